// A real OpenID provider for the API tests: the certified `oidc-provider` package on loopback.
//
//   node provider.js [--port 0]
//
// Prints one line `issuer=http://127.0.0.1:<port>` once it listens, then serves until killed.
//
// Test people are OAuth clients: a test registers one (dynamic registration, POST /reg) with
// the claims its access tokens should carry in `cchc_claims` (email, name, groups…), and
// optionally `cchc_ttl` (seconds) and `cchc_alg` (RS256 or ES256); it then gets a JWT access
// token for it through the client-credentials grant with `resource=<audience>`. The token's
// `sub` is the client id. No browser is involved.
//
// POST /test/rotate puts a new signing key (new kid) in front of the key set: tokens minted
// afterwards name a key the API has not seen yet (key rotation). Registered clients stay (the
// in-memory adapter is shared by the provider instances of this process).

import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const portArgument = process.argv.indexOf('--port');
const port = portArgument > 0 ? Number(process.argv[portArgument + 1]) : 0;

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

function makeProvider(issuer) {
  const provider = new Provider(issuer, {
    jwks: { keys },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      registration: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx, client, oneOf) => oneOf,
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
    extraClientMetadata: {
      properties: ['cchc_claims', 'cchc_ttl', 'cchc_alg'],
      validator(ctx, key, value) {
        if (key === 'cchc_claims' && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
          throw new Error('cchc_claims must be an object');
        }
      },
    },
    extraTokenClaims: (ctx, token) => token.client?.cchc_claims ?? undefined,
    clientDefaults: {
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
    },
    ttl: { ClientCredentials: (ctx, token, client) => client.cchc_ttl ?? 600 },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  return provider;
}

let current;
const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/test/rotate') {
    keys = [newKey('RSA'), newKey('EC'), ...keys];
    current = makeProvider(current.issuer);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kids: keys.map((k) => k.kid) }));
    return;
  }
  current.callback()(req, res);
});

server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  current = makeProvider(issuer);
  process.stdout.write(`issuer=${issuer}\n`);
});

// Ends with the test binary that started it: its stdin closes when that process exits.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
