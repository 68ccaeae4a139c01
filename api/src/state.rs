use std::sync::Arc;

use cchc_app::config::Config;
use cchc_app::outbound::Outbound;
use cchc_app::repo::pinned_versions::PinnedVersions;
use cchc_app::repo::submissions::BoardCaches;
use cchc_app::storage::Storage;
use cchc_app::token_cache::TokenCache;
use cchc_db::{DbConn, DbPool};
use cchc_domain::clock::Clock;

use crate::error::ApiError;
use crate::limits::RateLimiter;

/// Shared by every request; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    /// Where uploaded files' bytes go.
    pub storage: Storage,
    /// Requests per caller per minute, shared by the process's worker threads.
    pub rate_limiter: RateLimiter,
    /// Compliance boards and consolidated reports computed earlier, while still current.
    pub boards: Arc<BoardCaches>,
    /// Indicator versions as periods pin them, read once (a version never changes).
    pub versions: Arc<PinnedVersions>,
    /// The one client for requests to other servers (QLVB file downloads), refusing internal
    /// addresses unless `CCHC_OUTBOUND_ALLOW` lists them.
    pub outbound: Outbound,
    /// Tokens verified lately, kept in step with revocations by `token_cache::listen`.
    pub tokens: Arc<TokenCache>,
    /// Checks people's OpenID Connect access tokens, when `CCHC_OIDC_ISSUER` is set.
    pub oidc: Option<Arc<cchc_app::oidc::Verifier>>,
}

impl AppState {
    pub async fn conn(&self) -> Result<DbConn, ApiError> {
        Ok(self.pool.get().await?)
    }
}
