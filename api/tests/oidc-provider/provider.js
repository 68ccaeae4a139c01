// A real OpenID provider for the API tests and the local stack: the certified `oidc-provider`
// package.
//
//   node provider.js [--port 0] [--host 127.0.0.1] [--issuer URL] [--config FILE | --config-json JSON]
//
// Prints one line `issuer=<issuer>` once it listens, then serves until killed (or, when its
// stdin is a pipe, until that pipe closes: the tests' way of ending it with the test binary).
// The issuer is `http://<host>:<port>` unless --issuer names the address people and the API
// reach it by (e.g. behind a published port).
//
// Two ways to get a person's token:
//
// 1. Test people as OAuth clients (no browser): a test registers one (dynamic registration,
//    POST /reg) with the claims its access tokens should carry in `cchc_claims` (email, name,
//    groups…), and optionally `cchc_ttl` (seconds) and `cchc_alg` (RS256 or ES256); it then
//    gets a JWT access token through the client-credentials grant with `resource=<audience>`.
//    The token's `sub` is the client id.
//
// 2. Signing in as a browser does: the authorization-code flow with PKCE for a public client
//    (the docs page's), with a login page (/interaction/<uid>) that takes an account's e-mail.
//    The configuration (a JSON file or text) holds:
//      {
//        "audience": "https://cchc.test/api",    // the resource (and aud) of access tokens
//                                                // asked for without a `resource` parameter
//        "accounts": [{ "email": "…", "name": "…", "groups": ["…"], "sub": "…" (optional) }],
//        "clients": [{ "client_id": "cchc-docs", "redirect_uris": ["…/docs/oauth2-redirect.html"] }]
//      }
//    Clients are public (no secret, PKCE with S256) for the authorization-code grant. An
//    account's access tokens carry its `email`, `name` and `groups` (as Keycloak's do with a
//    groups mapper); its ID token and userinfo carry them by scope (email, profile, groups).
//    Consent is given without asking (a first-party client, as the province's SSO does for its
//    own applications).
//
// Test endpoints: POST /test/rotate puts a new signing key (new kid) in front of the key set:
// tokens minted afterwards name a key the API has not seen yet (key rotation). POST
// /test/clients with a client's JSON adds (or replaces) a public client, for a redirect URI
// known only once the API listens. Registered clients, sessions and interactions stay (the
// in-memory adapter is shared by the provider instances of this process).

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';

import Provider from 'oidc-provider';

function argument(name) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

const port = Number(argument('--port') ?? 0);
const host = argument('--host') ?? '127.0.0.1';
const configuredIssuer = argument('--issuer');
const config = (() => {
  const file = argument('--config');
  const text = file !== undefined ? fs.readFileSync(file, 'utf8') : argument('--config-json');
  return text !== undefined ? JSON.parse(text) : {};
})();
const audience = config.audience;
const accounts = (config.accounts ?? []).map((account) => ({
  ...account,
  sub: account.sub ?? `acc-${crypto.createHash('sha256').update(account.email.toLowerCase()).digest('hex').slice(0, 16)}`,
}));
let publicClients = (config.clients ?? []).map(publicClient);

function publicClient(client) {
  return {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...client,
  };
}

const accountBySub = (sub) => accounts.find((account) => account.sub === sub);
const accountByEmail = (email) => accounts
  .find((account) => account.email.toLowerCase() === String(email ?? '').trim().toLowerCase());

let generation = 0;

function newKey(type) {
  generation += 1;
  const { privateKey } = type === 'EC'
    ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return {
    ...jwk,
    kid: `${type.toLowerCase()}-${generation}-${crypto.randomUUID()}`,
    use: 'sig',
    alg: type === 'EC' ? 'ES256' : 'RS256',
  };
}

// The first key of an algorithm signs; older ones stay published.
let keys = [newKey('RSA'), newKey('EC')];
const cookieKeys = [crypto.randomBytes(32).toString('base64url')];

function makeProvider(issuer) {
  const provider = new Provider(issuer, {
    jwks: { keys },
    clients: publicClients,
    cookies: { keys: cookieKeys },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      registration: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Without a `resource` parameter (as Swagger UI asks), the API's audience.
        defaultResource: (ctx, client, oneOf) => oneOf ?? audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource, client) => ({
          scope: 'api',
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: client.cchc_ttl ?? 600,
          jwt: { sign: { alg: client.cchc_alg ?? 'RS256' } },
        }),
      },
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    findAccount: (ctx, sub) => {
      const account = accountBySub(sub);
      return account && {
        accountId: sub,
        claims: () => ({
          sub,
          email: account.email,
          email_verified: true,
          name: account.name,
          groups: account.groups ?? [],
        }),
      };
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    extraClientMetadata: {
      properties: ['cchc_claims', 'cchc_ttl', 'cchc_alg'],
      validator(ctx, key, value) {
        if (key === 'cchc_claims' && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
          throw new Error('cchc_claims must be an object');
        }
      },
    },
    extraTokenClaims: (ctx, token) => {
      if (token.client?.cchc_claims) return token.client.cchc_claims;
      const account = token.accountId && accountBySub(token.accountId);
      return account
        ? { email: account.email, name: account.name, groups: account.groups ?? [] }
        : undefined;
    },
    clientDefaults: {
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
    },
    ttl: {
      ClientCredentials: (ctx, token, client) => client.cchc_ttl ?? 600,
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      Session: 8 * 3600,
    },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  return provider;
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, status, title, body) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:34rem;margin:3rem auto}input,button{font-size:1rem;padding:.4rem}
li{margin:.2rem 0}.error{color:#b00}</style></head><body>${body}</body></html>`);
}

function loginPage(res, uid, client, error) {
  const known = accounts
    .map((a) => `<li><code>${escape(a.email)}</code> — ${escape(a.name ?? '')}${a.groups?.length ? ` (${escape(a.groups.join(', '))})` : ''}</li>`)
    .join('');
  page(res, error ? 401 : 200, 'Đăng nhập', `<h1>Đăng nhập</h1>
<p>Ứng dụng <strong>${escape(client)}</strong> đề nghị bạn đăng nhập.</p>
${error ? `<p class="error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Thư điện tử <input type="email" name="email" autofocus required></label>
<button type="submit">Đăng nhập</button></form>
${known ? `<p>Tài khoản thử nghiệm:</p><ul>${known}</ul>` : ''}`);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 10_000) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

// The login and consent steps of an authorization request.
async function interaction(provider, req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    page(res, 400, 'Lỗi', '<p>Phiên đăng nhập không khớp; hãy bắt đầu lại.</p>');
    return;
  }
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    if (req.method === 'GET') {
      loginPage(res, uid, params.client_id);
      return;
    }
    if (req.method === 'POST' && action === 'login') {
      const form = await readForm(req);
      const account = accountByEmail(form.get('email'));
      if (!account) {
        loginPage(res, uid, params.client_id, `Không có tài khoản nào với thư điện tử ${form.get('email') ?? ''}.`);
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
      return;
    }
  }
  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  page(res, 400, 'Lỗi', `<p>Bước đăng nhập không được hỗ trợ: ${escape(prompt.name)}.</p>`);
}

let current;
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://provider');
  if (req.method === 'POST' && url.pathname === '/test/rotate') {
    keys = [newKey('RSA'), newKey('EC'), ...keys];
    current = makeProvider(current.issuer);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kids: keys.map((k) => k.kid) }));
    return;
  }
  if (req.method === 'POST' && url.pathname === '/test/clients') {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const client = publicClient(JSON.parse(body));
      publicClients = [...publicClients.filter((c) => c.client_id !== client.client_id), client];
      current = makeProvider(current.issuer);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(client));
    });
    return;
  }
  const step = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login))?$/);
  if (step) {
    interaction(current, req, res, step[1], step[2]).catch((error) => {
      console.error('interaction', error);
      if (!res.headersSent) page(res, 400, 'Lỗi', `<p>${escape(error.message)}</p>`);
    });
    return;
  }
  current.callback()(req, res);
});

server.listen(port, host, () => {
  const issuer = configuredIssuer ?? `http://${host}:${server.address().port}`;
  current = makeProvider(issuer);
  process.stdout.write(`issuer=${issuer}\n`);
});

// The tests read the first line of stdout only, then close it: later notices (the package
// writes some to stdout) must not end the process.
process.stdout.on('error', () => {});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
// Ends with the test binary that started it: its stdin (a pipe) closes when that process
// exits. Run otherwise (a terminal, a container without stdin), it serves until stopped.
if (fs.fstatSync(0).isFIFO()) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
