// Two node:http servers bound to 127.0.0.1 (ports differ, so origins differ): the app origin serves the
// app page, the app's own callback page and the login page; the provider origin serves an authorize
// redirect, the hosted completion page (b.well style), an echo page for the postMessage floor, and a
// small OAuth authorization server with a resource under /as/ for the login client's leak run.
import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'

/**
 * What the authorization server under /as/ did since the last reset. A clean run of n sign-in
 * cycles shows n of each per-cycle count, twice n refreshes, and nothing live or refused.
 * @typedef {object} AuthServerStats
 * @property {number} authorized codes issued by the authorize endpoint
 * @property {number} codesRedeemed authorization_code grants that passed the PKCE S256 check
 * @property {number} refreshed refresh_token grants (each rotates the refresh token)
 * @property {number} revoked refresh tokens revoked, with their grant's access tokens
 * @property {number} resourceOk resource requests with a current bearer
 * @property {number} resourceChallenged resource requests answered 401 invalid_token
 * @property {number} refused every other 4xx, with its reason in `refusals`
 * @property {Record<string, number>} refusals
 * @property {number} liveCodes codes issued and never redeemed
 * @property {number} liveGrants grants whose refresh token was neither rotated away nor revoked
 */

/**
 * @typedef {object} AuthServer
 * @property {string} issuer
 * @property {string} authorizationEndpoint
 * @property {string} tokenEndpoint
 * @property {string} revocationEndpoint
 * @property {string} resource
 * @property {string} clientId the one public client it knows
 * @property {string} scope
 * @property {() => AuthServerStats} stats
 * @property {() => void} reset forgets every code, grant and count
 */

/**
 * @typedef {object} Harness
 * @property {string} appOrigin
 * @property {string} providerOrigin
 * @property {AuthServer} authServer on the provider origin, for the app origin's login page
 * @property {() => Promise<void>} close
 */

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} type
 * @param {string | Uint8Array} body
 * @param {Record<string, string>} [headers]
 */
function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers })
  res.end(body)
}

/**
 * @param {string} script inline module source
 * @returns {string}
 */
function page(script) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body><script>${script}</script></body></html>`
}

// The completion pages call window.__benchSignal (a Playwright binding) right after their signal,
// in the same task, with the time captured just before sending.
const signalTime = 'performance.timeOrigin + performance.now()'
const report = (/** @type {string} */ expr) =>
  `if (typeof window.__benchSignal === 'function') window.__benchSignal(${expr});`

/** The login client the authorization server knows: public (no secret), PKCE S256 only. */
const LOGIN_CLIENT_ID = 'bench-login'
const LOGIN_SCOPE = 'bench.read'
/** The code grant's access token lives an hour; a refreshed one a second, always within the client's 60 s leeway. */
const CODE_TOKEN_TTL_S = 3600
const REFRESHED_TOKEN_TTL_S = 1

/** @param {number} n @returns {string} */
const randomToken = (n = 24) => randomBytes(n).toString('base64url')

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<URLSearchParams>}
 */
async function formBody(req) {
  /** @type {Buffer[]} */
  const chunks = []
  for await (const chunk of req) chunks.push(/** @type {Buffer} */ (chunk))
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

/**
 * A small OAuth 2.0 authorization server and resource for the login client's leak run, on the
 * provider origin under /as/, with CORS for the app origin only. Its authorize endpoint answers a
 * `fetch` with JSON (`{ code, state, iss }`) instead of a consent page and a redirect, so the app
 * page can build the callback URL itself and stay put. Codes are single-use and bound to the
 * client, the redirect URI and the S256 challenge; refresh tokens rotate; revocation drops the
 * grant with its access tokens. The resource refuses the first access token of each grant with
 * 401 invalid_token (as after a key rollover), so `fetch` takes its refresh-and-retry path.
 * @param {{ app: string, provider: string }} origins filled in once both servers listen
 */
function authorizationServer(origins) {
  /**
   * @typedef {object} Grant
   * @property {string} refreshToken the current one
   * @property {Set<string>} accessTokens
   */
  /** @type {Map<string, { challenge: string, redirectUri: string }>} */
  const codes = new Map()
  /** @type {Map<string, Grant>} by refresh token */
  const grants = new Map()
  /** @type {Map<string, { grant: Grant, first: boolean }>} by access token */
  const accessTokens = new Map()
  const counts = {
    authorized: 0,
    codesRedeemed: 0,
    refreshed: 0,
    revoked: 0,
    resourceOk: 0,
    resourceChallenged: 0,
    refused: 0,
  }
  /** @type {Record<string, number>} */
  let refusals = {}

  const issuer = () => `${origins.provider}/as`
  const cors = () => ({
    'access-control-allow-origin': origins.app,
    'access-control-expose-headers': 'www-authenticate',
  })
  /**
   * @param {import('node:http').ServerResponse} res
   * @param {number} status
   * @param {unknown} body
   * @param {Record<string, string>} [headers]
   */
  const json = (res, status, body, headers = {}) =>
    send(res, status, 'application/json', JSON.stringify(body), { ...cors(), ...headers })
  /**
   * @param {import('node:http').ServerResponse} res
   * @param {string} error
   * @param {string} reason
   */
  const refuse = (res, error, reason) => {
    counts.refused += 1
    refusals[reason] = (refusals[reason] ?? 0) + 1
    json(res, 400, { error, error_description: reason })
  }
  /**
   * @param {import('node:http').ServerResponse} res
   * @param {Grant} grant
   * @param {number} expiresIn
   * @param {boolean} first
   */
  const issue = (res, grant, expiresIn, first) => {
    const accessToken = randomToken()
    grant.accessTokens.add(accessToken)
    accessTokens.set(accessToken, { grant, first })
    json(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: expiresIn,
      refresh_token: grant.refreshToken,
      scope: LOGIN_SCOPE,
    })
  }
  /** @param {Grant} grant */
  const drop = (grant) => {
    grants.delete(grant.refreshToken)
    for (const token of grant.accessTokens) accessTokens.delete(token)
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   * @returns {Promise<void>}
   */
  async function handle(req, res, url) {
    if (req.method === 'OPTIONS') {
      // Preflight of the resource request (it carries Authorization); cached, so it is asked once.
      send(res, 204, 'text/plain', '', {
        ...cors(),
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
        'access-control-max-age': '600',
      })
      return
    }
    const q = url.searchParams
    switch (url.pathname) {
      case '/as/authorize': {
        if (q.get('response_type') !== 'code')
          return refuse(res, 'unsupported_response_type', 'response_type')
        if (q.get('client_id') !== LOGIN_CLIENT_ID)
          return refuse(res, 'invalid_client', 'authorize client_id')
        const redirectUri = q.get('redirect_uri') ?? ''
        if (!redirectUri.startsWith(`${origins.app}/`))
          return refuse(res, 'invalid_request', 'redirect_uri')
        if (q.get('code_challenge_method') !== 'S256')
          return refuse(res, 'invalid_request', 'code_challenge_method')
        const challenge = q.get('code_challenge') ?? ''
        const state = q.get('state') ?? ''
        if (challenge.length !== 43 || state === '')
          return refuse(res, 'invalid_request', 'code_challenge or state')
        const code = randomToken()
        codes.set(code, { challenge, redirectUri })
        counts.authorized += 1
        return json(res, 200, { code, state, iss: issuer() })
      }
      case '/as/token': {
        if (req.method !== 'POST') return refuse(res, 'invalid_request', 'token method')
        const body = await formBody(req)
        if (body.get('client_id') !== LOGIN_CLIENT_ID)
          return refuse(res, 'invalid_client', 'token client_id')
        const grantType = body.get('grant_type')
        if (grantType === 'authorization_code') {
          const code = body.get('code') ?? ''
          const issued = codes.get(code)
          // Single use: gone on the first attempt, right or wrong.
          codes.delete(code)
          if (issued === undefined) return refuse(res, 'invalid_grant', 'unknown or reused code')
          if (body.get('redirect_uri') !== issued.redirectUri)
            return refuse(res, 'invalid_grant', 'redirect_uri mismatch')
          const verifier = body.get('code_verifier') ?? ''
          if (createHash('sha256').update(verifier).digest('base64url') !== issued.challenge) {
            return refuse(res, 'invalid_grant', 'PKCE verifier mismatch')
          }
          counts.codesRedeemed += 1
          /** @type {Grant} */
          const grant = { refreshToken: randomToken(), accessTokens: new Set() }
          grants.set(grant.refreshToken, grant)
          return issue(res, grant, CODE_TOKEN_TTL_S, true)
        }
        if (grantType === 'refresh_token') {
          const grant = grants.get(body.get('refresh_token') ?? '')
          if (grant === undefined)
            return refuse(res, 'invalid_grant', 'unknown, rotated or revoked refresh token')
          // Rotation: the old refresh token is dead from here on.
          grants.delete(grant.refreshToken)
          grant.refreshToken = randomToken()
          grants.set(grant.refreshToken, grant)
          counts.refreshed += 1
          return issue(res, grant, REFRESHED_TOKEN_TTL_S, false)
        }
        return refuse(res, 'unsupported_grant_type', 'grant_type')
      }
      case '/as/revoke': {
        if (req.method !== 'POST') return refuse(res, 'invalid_request', 'revoke method')
        const body = await formBody(req)
        if (body.get('client_id') !== LOGIN_CLIENT_ID)
          return refuse(res, 'invalid_client', 'revoke client_id')
        const grant = grants.get(body.get('token') ?? '')
        if (grant === undefined) {
          // RFC 7009 answers 200 for an unknown token; counted, since this client should never send one.
          refusals['revoke unknown token'] = (refusals['revoke unknown token'] ?? 0) + 1
          counts.refused += 1
        } else {
          drop(grant)
          counts.revoked += 1
        }
        return send(res, 200, 'text/plain', '', cors())
      }
      case '/as/resource': {
        const auth = req.headers.authorization ?? ''
        const token = auth.startsWith('Bearer ') ? auth.slice(7) : ''
        const known = accessTokens.get(token)
        if (known === undefined || known.first) {
          if (known !== undefined) counts.resourceChallenged += 1
          else {
            counts.refused += 1
            refusals['resource unknown bearer'] = (refusals['resource unknown bearer'] ?? 0) + 1
          }
          return json(
            res,
            401,
            { error: 'invalid_token' },
            {
              'www-authenticate': 'Bearer error="invalid_token"',
            },
          )
        }
        counts.resourceOk += 1
        return json(res, 200, { ok: true })
      }
      default:
        send(res, 404, 'text/plain', 'not found', cors())
    }
  }

  /** @type {Omit<AuthServer, 'issuer' | 'authorizationEndpoint' | 'tokenEndpoint' | 'revocationEndpoint' | 'resource'>} */
  const api = {
    clientId: LOGIN_CLIENT_ID,
    scope: LOGIN_SCOPE,
    stats: () => ({
      ...counts,
      refusals: { ...refusals },
      liveCodes: codes.size,
      liveGrants: grants.size,
    }),
    reset() {
      codes.clear()
      grants.clear()
      accessTokens.clear()
      for (const key of /** @type {(keyof typeof counts)[]} */ (Object.keys(counts)))
        counts[key] = 0
      refusals = {}
    },
  }
  return { handle, api, issuer }
}

/**
 * Starts both servers.
 * @param {{ appBundle: () => Promise<Uint8Array>, callbackBundle: () => Promise<Uint8Array>, loginBundle: () => Promise<Uint8Array> }} options
 *   the pages' scripts, built on request
 * @returns {Promise<Harness>}
 */
export async function startHarness(options) {
  /** @type {{ app: string, provider: string }} */
  const origins = { app: '', provider: '' }
  const auth = authorizationServer(origins)

  const app = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origins.app)
    if (url.pathname === '/') {
      send(
        res,
        200,
        'text/html',
        '<!doctype html><html><head><meta charset="utf-8"><title>app</title><script type="module" src="/app.js"></script></head><body>bench app</body></html>',
      )
    } else if (url.pathname === '/app.js') {
      options.appBundle().then(
        (code) => send(res, 200, 'text/javascript', code),
        (error) => send(res, 500, 'text/plain', String(error)),
      )
    } else if (url.pathname === '/login') {
      // The login client's page: `window.loginBench` over `@oauth-connect/core/login`.
      send(
        res,
        200,
        'text/html',
        '<!doctype html><html><head><meta charset="utf-8"><title>login</title><script type="module" src="/login.js"></script></head><body>bench login</body></html>',
      )
    } else if (url.pathname === '/login.js') {
      options.loginBundle().then(
        (code) => send(res, 200, 'text/javascript', code),
        (error) => send(res, 500, 'text/plain', String(error)),
      )
    } else if (url.pathname === '/callback.js') {
      options.callbackBundle().then(
        (code) => send(res, 200, 'text/javascript', code),
        (error) => send(res, 500, 'text/plain', String(error)),
      )
    } else if (url.pathname === '/bc-echo') {
      // The BroadcastChannel floor: answers every number on the named channel.
      send(
        res,
        200,
        'text/html',
        page(`
const channel = new BroadcastChannel(new URLSearchParams(location.search).get('name'))
channel.onmessage = (event) => { if (typeof event.data === 'number') channel.postMessage('echo-' + event.data) }
channel.postMessage('echo-ready')`),
      )
    } else if (url.pathname === '/connect/callback') {
      // The app's own callback page (custom redirect). `signal` picks what it does:
      // poll: nothing (the opener polls its location); broadcast: the toolkit's envelope on the
      // attempt's BroadcastChannel; complete: the toolkit's completeConnection(); close:
      // window.close() without a word; none: nothing.
      const signal = url.searchParams.get('signal')
      const run = JSON.stringify(url.searchParams.get('run') ?? '')
      if (signal === 'poll') {
        send(
          res,
          200,
          'text/html',
          page(
            `addEventListener('load', () => { const t = ${signalTime}; ${report(`{ run: ${run}, t }`)} })`,
          ),
        )
      } else if (signal === 'broadcast') {
        send(
          res,
          200,
          'text/html',
          page(`
const q = new URLSearchParams(location.search)
const attemptId = q.get('attempt')
const statusCode = q.get('status_code')
const channel = new BroadcastChannel('oauth-connect:' + attemptId)
const t = ${signalTime}
channel.postMessage({ type: 'oauth-connect', version: 1, attemptId, statusCode })
${report(`{ run: ${run}, t }`)}
channel.close()`),
        )
      } else if (signal === 'complete') {
        send(
          res,
          200,
          'text/html',
          '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/callback.js"></script></head><body></body></html>',
        )
      } else if (signal === 'close') {
        send(res, 200, 'text/html', page('window.close()'))
      } else {
        send(res, 200, 'text/html', page(''))
      }
    } else {
      send(res, 404, 'text/plain', 'not found')
    }
  })

  const provider = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origins.provider)
    if (url.pathname.startsWith('/as/')) {
      auth.handle(req, res, url).catch((/** @type {unknown} */ error) => {
        if (!res.headersSent) send(res, 500, 'text/plain', String(error))
        else res.destroy()
      })
    } else if (url.pathname === '/authorize') {
      // Stands in for the provider's consent and the b.well callback: straight on to `next`.
      const next = url.searchParams.get('next') ?? ''
      const target = URL.canParse(next) ? new URL(next) : undefined
      if (
        target === undefined ||
        (target.origin !== origins.app && target.origin !== origins.provider)
      ) {
        send(res, 400, 'text/plain', 'bad next')
        return
      }
      send(res, 302, 'text/plain', '', { location: target.href })
    } else if (url.pathname === '/oauth/complete') {
      // The hosted completion page: posts 'status-success' / 'status-failure' to the opener.
      const ok = url.searchParams.get('status_code') === 'success'
      const run = JSON.stringify(url.searchParams.get('run') ?? '')
      send(
        res,
        200,
        'text/html',
        page(`
const t = ${signalTime}
window.opener.postMessage(${JSON.stringify(ok ? 'status-success' : 'status-failure')}, ${JSON.stringify(origins.app)})
${report(`{ run: ${run}, t }`)}`),
      )
    } else if (url.pathname === '/echo') {
      // The floor: answers every message from the opener with the same data.
      send(
        res,
        200,
        'text/html',
        page(`
const app = ${JSON.stringify(origins.app)}
addEventListener('message', (event) => {
  if (event.origin === app && event.source === window.opener) window.opener.postMessage(event.data, app)
})
window.opener.postMessage('echo-ready', app)`),
      )
    } else if (url.pathname === '/idle') {
      send(res, 200, 'text/html', page(''))
    } else if (url.pathname === '/close') {
      send(res, 200, 'text/html', page('window.close()'))
    } else {
      send(res, 404, 'text/plain', 'not found')
    }
  })

  /**
   * @param {import('node:http').Server} server
   * @returns {Promise<string>}
   */
  const listen = (server) =>
    new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        const address = server.address()
        if (address === null || typeof address === 'string') reject(new Error('no port'))
        else resolve(`http://127.0.0.1:${address.port}`)
      })
    })

  // The app is addressed as localhost and the provider as 127.0.0.1, as in development
  // (DESIGN §3): different sites, so Chromium keeps the two windows in different processes.
  origins.app = (await listen(app)).replace('127.0.0.1', 'localhost')
  origins.provider = await listen(provider)

  /**
   * @param {import('node:http').Server} server
   * @returns {Promise<void>}
   */
  const close = (server) =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })

  return {
    appOrigin: origins.app,
    providerOrigin: origins.provider,
    authServer: {
      ...auth.api,
      issuer: auth.issuer(),
      authorizationEndpoint: `${auth.issuer()}/authorize`,
      tokenEndpoint: `${auth.issuer()}/token`,
      revocationEndpoint: `${auth.issuer()}/revoke`,
      resource: `${auth.issuer()}/resource`,
    },
    close: async () => {
      await Promise.all([close(app), close(provider)])
    },
  }
}
