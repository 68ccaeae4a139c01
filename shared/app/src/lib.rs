//! The application layer of the cchc service: the use cases the API and the worker run (`repo`:
//! read, check, write, audit, and the event outbox, each write in one transaction), and what
//! they need around them: configuration, file storage, the guarded outbound HTTP client, API
//! token secrets and the cache of verified tokens, OpenID Connect access tokens (`oidc`), the typed background jobs, the cache of generated workbooks and the demo
//! data `quickstart` loads.
//!
//! Authorization lives in `authz` and nowhere else: every role and unit rule, as pure
//! functions of the caller's `Principal`. Each use case calls its rule first, before it
//! validates anything; callers without a token (the command line, the demo loader, the worker)
//! act as `authz::system`, with the Office's rights.
//!
//! Builds on `cchc-domain` (vocabulary, rules, the error), `cchc-db` (every row and query:
//! nothing here writes SQL, `.ci/run` checks) and `cchc-excel` (office files). Nothing here knows HTTP: handlers in `cchc-api` parse and
//! answer, the worker runs jobs. Test support is in `cchc-testkit`, which production binaries
//! do not link.

pub mod authz;
pub mod config;
pub mod demo;
pub mod generation_cache;
pub mod jobs;
pub mod oidc;
pub mod outbound;
pub mod repo;
pub mod signed_links;
pub mod storage;
pub mod token_cache;
pub mod tokens;
