import { createHash } from 'node:crypto'
import {
  type AuthServer,
  type AuthServerOptions,
  createTestClient,
  startAuthServer,
} from '@oauth-connect/testing'
import { calculatePKCECodeChallenge } from 'oauth4webapi'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidArgumentError } from '../errors.ts'
import { LoginError } from './errors.ts'
import type { LoginClient, LoginClientOptions } from './loginClient.ts'
import { fixedEndpoints, type LoginServer } from './server.ts'
import { sessionStore } from './sessionStore.ts'

const servers: AuthServer[] = []
const clients: LoginClient[] = []
let server: AuthServer
let navigations: URL[]

async function start(options?: AuthServerOptions): Promise<AuthServer> {
  const started = await startAuthServer(options)
  servers.push(started)
  return started
}

function makeClient(
  overrides: Partial<LoginClientOptions> = {},
  loginServer: LoginServer = { issuer: server.issuer },
): LoginClient {
  const client = createTestClient(server, navigations, overrides, loginServer)
  clients.push(client)
  return client
}

/** Starts a login and plays the user's approval; the tab is then at the callback URL. */
async function authorize(client: LoginClient, returnTo = '/records?tab=1'): Promise<URL> {
  await client.login({ returnTo })
  const authorizationUrl = navigations.at(-1)
  if (!authorizationUrl) throw new Error('login did not navigate')
  const callback = server.approve(authorizationUrl)
  history.replaceState(null, '', callback)
  return callback
}

async function signIn(client: LoginClient) {
  await authorize(client)
  return client.handleCallback()
}

function withParams(url: URL, params: Record<string, string | null>): URL {
  const copy = new URL(url)
  for (const [name, value] of Object.entries(params)) {
    if (value === null) copy.searchParams.delete(name)
    else copy.searchParams.set(name, value)
  }
  return copy
}

const tokenRequests = () => server.requests.filter((r) => r.path === '/oauth2/token')

async function expectLoginError(promise: Promise<unknown>, code: string): Promise<LoginError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(LoginError)
  expect((error as LoginError).code).toBe(code)
  return error as LoginError
}

beforeEach(async () => {
  sessionStorage.clear()
  localStorage.clear()
  history.replaceState(null, '', '/records?tab=1')
  navigations = []
  server = await start()
})

afterEach(async () => {
  vi.useRealTimers()
  for (const client of clients.splice(0)) client.close()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

describe('createLoginClient', () => {
  it('should sign in with redirect, discovery and the Medblocks token shape', async () => {
    const client = makeClient()
    const seen: string[] = []
    client.subscribe(() => seen.push(client.getSnapshot().status))
    const result = await signIn(client)
    expect(result).toEqual({ returnTo: '/records?tab=1', popup: false })
    expect(client.getSnapshot()).toMatchObject({
      status: 'signed-in',
      claims: { sub: 'amy.shaw', name: 'Amy V. Shaw', iss: server.issuer },
      error: undefined,
    })
    expect(seen).toEqual(['loading', 'signed-in'])
    expect(await client.getAccessToken()).toBe('at-2')
    expect(server.log()).toEqual(['GET /.well-known/openid-configuration', 'POST /oauth2/token'])
  })

  it('should fall back to oauth-authorization-server discovery', async () => {
    server = await start({ openidConfiguration: false })
    const client = makeClient()
    await signIn(client)
    expect(server.log()).toEqual([
      'GET /.well-known/openid-configuration',
      'GET /.well-known/oauth-authorization-server',
      'POST /oauth2/token',
    ])
  })

  it('should report discovery_failed and retry discovery on the next attempt', async () => {
    server.fault('/.well-known/openid-configuration', { status: 500 })
    server.fault('/.well-known/oauth-authorization-server', { status: 200, body: '[]' })
    const client = makeClient()
    await expectLoginError(client.login(), 'discovery_failed')
    expect(navigations).toEqual([])
    await client.login()
    expect(navigations).toHaveLength(1)
    expect(server.log()).toEqual([
      'GET /.well-known/openid-configuration',
      'GET /.well-known/oauth-authorization-server',
      'GET /.well-known/openid-configuration',
    ])
  })

  it('should use fixed Medblocks endpoints without discovery', async () => {
    const client = makeClient(
      {},
      fixedEndpoints({
        issuer: server.issuer,
        authorizationEndpoint: `${server.issuer}/oauth2/auth`,
        tokenEndpoint: `${server.issuer}/oauth2/token`,
        revocationEndpoint: `${server.issuer}/oauth2/revoke`,
      }),
    )
    await signIn(client)
    await client.logout()
    expect(server.log()).toEqual(['POST /oauth2/token', 'POST /oauth2/revoke'])
  })

  it('should refuse http: outside loopback and without the opt-in', () => {
    expect(() => makeClient({}, { issuer: 'http://auth.example.com' })).toThrow(
      InvalidArgumentError,
    )
    expect(() => makeClient({ allowInsecureLoopback: false })).toThrow(/"redirectUri"/)
    expect(() =>
      makeClient({
        allowInsecureLoopback: false,
        redirectUri: 'https://app.example/callback',
        resourceOrigins: [],
      }),
    ).toThrow(/"issuer"/)
    expect(() => makeClient({ resourceOrigins: ['http://fhir.example.com'] })).toThrow(
      /"resourceOrigins"/,
    )
    expect(() => makeClient({ storage: 'local' as 'memory' })).toThrow(/"storage"/)
    expect(server.log()).toEqual([])
  })
})

describe('callback validation', () => {
  it('[SEC-5] rejects a callback with no stored transaction before any token request', async () => {
    const client = makeClient()
    const callback = await authorize(client)
    sessionStorage.clear()
    await expectLoginError(client.handleCallback(callback), 'missing_transaction')
    expect(client.getSnapshot().status).toBe('error')
    expect(tokenRequests()).toEqual([])
  })

  it.each([
    ['missing', null],
    ['different', 'forged-state'],
    ['empty', ''],
  ])('[SEC-5] rejects a %s state before any token request', async (_, state) => {
    const client = makeClient()
    const callback = await authorize(client)
    await expectLoginError(client.handleCallback(withParams(callback, { state })), 'state_mismatch')
    expect(tokenRequests()).toEqual([])
    // The transaction is gone: even the genuine callback cannot be replayed afterwards.
    await expectLoginError(client.handleCallback(callback), 'missing_transaction')
    expect(tokenRequests()).toEqual([])
  })

  it('[SEC-5] rejects a repeated state parameter before any token request', async () => {
    const client = makeClient()
    const callback = await authorize(client)
    const repeated = new URL(callback)
    repeated.searchParams.append('state', callback.searchParams.get('state') ?? '')
    await expectLoginError(client.handleCallback(repeated), 'state_mismatch')
    expect(tokenRequests()).toEqual([])
  })

  it('[SEC-5] does not sign out a signed-in user on a forged callback', async () => {
    const client = makeClient()
    await signIn(client)
    const forged = new URL(`${location.origin}/callback?code=x&state=y&iss=${server.issuer}`)
    await expectLoginError(client.handleCallback(forged), 'missing_transaction')
    expect(client.getSnapshot().status).toBe('signed-in')
    expect(tokenRequests()).toHaveLength(1)
  })

  it('[SEC-6] matches the RFC 7636 Appendix B vector', async () => {
    expect(await calculatePKCECodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    )
  })

  it('[SEC-6] sends an S256 challenge, never the verifier, and a fresh one each attempt', async () => {
    const client = makeClient()
    await client.login()
    await client.login()
    const [first, second] = navigations
    if (!first || !second) throw new Error('expected two navigations')
    expect(first.searchParams.get('code_challenge_method')).toBe('S256')
    expect(first.searchParams.has('code_verifier')).toBe(false)
    expect(first.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/)
    for (const name of ['code_challenge', 'state', 'nonce']) {
      expect(first.searchParams.get(name)).not.toBe(second.searchParams.get(name))
    }
    const stored = Object.values({ ...sessionStorage }).join(' ')
    const verifier = /"verifier":"([^"]+)"/.exec(stored)?.[1] ?? ''
    expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/)
    expect(second.href).not.toContain(verifier)
  })

  it('[SEC-6] omits the nonce without openid in the scope', async () => {
    const client = makeClient({ scope: 'offline_access' })
    await client.login()
    expect(navigations[0]?.searchParams.has('nonce')).toBe(false)
    expect(navigations[0]?.searchParams.get('scope')).toBe('offline_access')
  })

  it('[SEC-6] sends the verifier and the same redirect_uri, and no secret', async () => {
    const client = makeClient()
    await signIn(client)
    const [request] = tokenRequests()
    const authorizationUrl = navigations[0]
    if (!request || !authorizationUrl) throw new Error('expected a token request')
    const verifier = request.body.get('code_verifier') ?? ''
    expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/)
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      authorizationUrl.searchParams.get('code_challenge'),
    )
    expect(request.body.get('redirect_uri')).toBe(authorizationUrl.searchParams.get('redirect_uri'))
    expect(request.body.get('client_id')).toBe(server.clientId)
    expect(request.body.has('client_secret')).toBe(false)
    expect(request.headers.authorization).toBeUndefined()
  })

  it.each([
    ['missing', null],
    ['different', 'http://127.0.0.1:1'],
  ])('[SEC-7] rejects a %s iss when the server advertises it', async (_, iss) => {
    const client = makeClient()
    const callback = await authorize(client)
    await expectLoginError(client.handleCallback(withParams(callback, { iss })), 'issuer_mismatch')
    expect(tokenRequests()).toEqual([])
  })

  it('[SEC-7] accepts a callback without iss when the server does not advertise it', async () => {
    server = await start({ issParameter: false })
    const client = makeClient()
    await signIn(client)
    expect(client.getSnapshot().status).toBe('signed-in')
  })

  it('[SEC-8] exchanges the code once when the callback runs twice at the same time', async () => {
    const client = makeClient()
    const callback = await authorize(client)
    const first = client.handleCallback(callback)
    const second = client.handleCallback(callback)
    expect(second).toBe(first)
    await expect(first).resolves.toEqual({ returnTo: '/records?tab=1', popup: false })
    await expect(client.handleCallback(callback)).resolves.toEqual({
      returnTo: '/records?tab=1',
      popup: false,
    })
    expect(tokenRequests()).toHaveLength(1)
    expect(sessionStorage.length).toBe(0)
  })

  it('[SEC-8] joins the first exchange when handleCallback() reads the cleaned address', async () => {
    const client = makeClient()
    await authorize(client)
    const first = client.handleCallback()
    expect(location.search).toBe('')
    const second = client.handleCallback()
    expect(second).toBe(first)
    await expect(second).resolves.toMatchObject({ returnTo: '/records?tab=1' })
    expect(client.getSnapshot().status).toBe('signed-in')
    expect(tokenRequests()).toHaveLength(1)
  })

  it('[SEC-8] sends no token request when the callback URL is loaded again', async () => {
    const client = makeClient()
    const callback = await authorize(client)
    await client.handleCallback(callback)
    // A reload (or Back) gives a fresh page: new client, same tab storage, same URL.
    const reloaded = makeClient()
    await expectLoginError(reloaded.handleCallback(callback), 'missing_transaction')
    expect(tokenRequests()).toHaveLength(1)
  })

  it('[SEC-8] never retries an invalid_grant with the same code', async () => {
    server.fault('/oauth2/token', {
      status: 400,
      body: JSON.stringify({ error: 'invalid_grant', error_description: 'code already used' }),
    })
    const client = makeClient()
    const callback = await authorize(client)
    const error = await expectLoginError(client.handleCallback(callback), 'invalid_grant')
    expect(error.description).toBe('code already used')
    await expectLoginError(client.handleCallback(callback), 'invalid_grant')
    await expectLoginError(makeClient().handleCallback(callback), 'missing_transaction')
    expect(tokenRequests()).toHaveLength(1)
    expect(client.getSnapshot()).toMatchObject({ status: 'error', error })
  })

  it.each([
    '//evil.example/x',
    '/\\evil.example/x',
    'https://localhost:3000@evil.example/',
    'javascript:alert(1)',
    'https://evil.example/records',
    'http://localhost:3001/records',
    'http://localhost:3000//evil.example',
  ])('[SEC-9] refuses the return target %s', async (returnTo) => {
    const client = makeClient()
    await expect(client.login({ returnTo })).rejects.toThrow(InvalidArgumentError)
    expect(navigations).toEqual([])
  })

  it('[SEC-9] returns to the stored path, never to one from the callback query', async () => {
    const client = makeClient()
    const callback = await authorize(client, `${location.origin}/records?tab=2#top`)
    const result = await client.handleCallback(
      withParams(callback, { returnTo: 'https://evil.example/', return_to: '//evil.example' }),
    )
    expect(result.returnTo).toBe('/records?tab=2#top')
  })

  it('[SEC-21] turns access_denied into denied with the description as text', async () => {
    const client = makeClient()
    const callback = await authorize(client)
    const error = await expectLoginError(
      client.handleCallback(
        withParams(callback, {
          code: null,
          error: 'access_denied',
          error_description: '<img src=x onerror=alert(1)>',
        }),
      ),
      'denied',
    )
    expect(error.error).toBe('access_denied')
    expect(error.description).toBe('<img src=x onerror=alert(1)>')
    expect(error.message).toBe('authorization failed with "error" access_denied')
    expect(client.getSnapshot()).toMatchObject({ status: 'error', error })
    expect(tokenRequests()).toEqual([])
  })

  it('[SEC-21] reports other authorization errors as authorization_failed', async () => {
    const client = makeClient()
    const callback = await authorize(client)
    const error = await expectLoginError(
      client.handleCallback(withParams(callback, { code: null, error: 'server_error' })),
      'authorization_failed',
    )
    expect(error.error).toBe('server_error')
  })

  it.each([
    ['id_token in the query', { id_token: 'eyJ.x.y' }, ''],
    ['token in the query', { token: 'abc' }, ''],
    ['access_token in the query', { access_token: 'abc' }, ''],
    ['id_token in the fragment', {}, '#id_token=eyJ.x.y'],
    ['access_token in the fragment', {}, '#access_token=abc&token_type=bearer'],
  ])('[SEC-21] refuses implicit or hybrid parameters: %s', async (_, params, hash) => {
    const client = makeClient()
    const callback = withParams(await authorize(client), params)
    callback.hash = hash
    await expectLoginError(client.handleCallback(callback), 'implicit_response_refused')
    expect(tokenRequests()).toEqual([])
  })
})

describe('token responses', () => {
  it.each([
    ['a truncated body', '{"'],
    ['null', 'null'],
    ['an array', '[]'],
    ['no access_token', JSON.stringify({ token_type: 'bearer', expires_in: 3599 })],
    ['a numeric access_token', JSON.stringify({ access_token: 1, token_type: 'bearer' })],
    ['a DPoP token_type', JSON.stringify({ access_token: 'a', token_type: 'DPoP' })],
    ['a mac token_type', JSON.stringify({ access_token: 'a', token_type: 'mac' })],
    ['no token_type', JSON.stringify({ access_token: 'a' })],
    ['an empty access_token', JSON.stringify({ access_token: '', token_type: 'bearer' })],
    [
      'a negative expires_in',
      JSON.stringify({ access_token: 'a', token_type: 'bearer', expires_in: -5 }),
    ],
    ['a string body', '"at-1"'],
    [
      'a non-numeric expires_in',
      JSON.stringify({ access_token: 'a', token_type: 'Bearer', expires_in: 'soon' }),
    ],
  ])('[SEC-22] rejects %s and stores nothing', async (_, body) => {
    server.fault('/oauth2/token', { status: 200, body })
    const client = makeClient({ storage: sessionStore })
    const callback = await authorize(client)
    await expectLoginError(client.handleCallback(callback), 'token_response_invalid')
    expect(client.getSnapshot().status).toBe('error')
    await expectLoginError(client.getAccessToken(), 'not_signed_in')
    expect(sessionStorage.length).toBe(0)
    expect(localStorage.length).toBe(0)
  })

  it('[SEC-22] accepts uppercase Bearer, a string expires_in and no scope', async () => {
    server.fault('/oauth2/token', {
      status: 200,
      body: JSON.stringify({ access_token: 'plain', token_type: 'BEARER', expires_in: '3599' }),
    })
    const client = makeClient({ scope: 'fhirUser' })
    await signIn(client)
    expect(await client.getAccessToken()).toBe('plain')
  })

  it.each([
    ['a wrong nonce', { nonce: 'another-attempts-nonce' }],
    ['a wrong audience', { aud: 'another-client' }],
    ['a wrong issuer', { iss: 'http://127.0.0.1:1' }],
    ['an expired exp', { exp: Math.floor(Date.now() / 1000) - 600 }],
    ['no sub', { sub: undefined }],
  ])('[SEC-22] refuses an ID token with %s before a session exists', async (_, tamper) => {
    server.tamperNextIdToken(tamper)
    const client = makeClient({ storage: sessionStore })
    const callback = await authorize(client)
    await expectLoginError(client.handleCallback(callback), 'token_response_invalid')
    // The token endpoint answered with real tokens; none of them was kept.
    expect(tokenRequests()).toHaveLength(1)
    expect(client.getSnapshot()).toMatchObject({ status: 'error', claims: undefined })
    await expectLoginError(client.getAccessToken(), 'not_signed_in')
    expect(sessionStorage.length).toBe(0)
  })

  it('[SEC-22] accepts the same untampered ID token (the control for the cases above)', async () => {
    const client = makeClient()
    await signIn(client)
    expect(client.getSnapshot().claims).toMatchObject({ sub: 'amy.shaw', aud: server.clientId })
  })
})

describe('sessions that change under a request', () => {
  it('[SEC-28] discards a refresh that answers after sign-out', async () => {
    const client = makeClient()
    await signIn(client)
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 3_600_000)
    const held = server.hold('/oauth2/token')
    // Settles while logout() runs: sign-out aborts the request at once.
    const token = client.getAccessToken().then(
      () => undefined,
      (error: unknown) => error,
    )
    await held.reached
    await client.logout()
    held.release()
    const error = await token
    expect(error).toMatchObject({ name: 'LoginError', code: 'session_changed' })
    expect((error as LoginError).cause).toMatchObject({ code: 'aborted' })
    expect(client.getSnapshot()).toEqual({
      status: 'signed-out',
      claims: undefined,
      error: undefined,
    })
    await expectLoginError(client.getAccessToken(), 'not_signed_in')
  })

  it('[SEC-28] discards a code exchange that answers after sign-out', async () => {
    const client = makeClient()
    const callback = await authorize(client)
    const held = server.hold('/oauth2/token')
    const exchange = client.handleCallback(callback)
    await held.reached
    await client.logout()
    held.release()
    await expect(exchange).rejects.toBeInstanceOf(LoginError)
    expect(client.getSnapshot()).toEqual({
      status: 'signed-out',
      claims: undefined,
      error: undefined,
    })
    await expectLoginError(client.getAccessToken(), 'not_signed_in')
  })

  it("[SEC-28] keeps the next user's session when the last user's refresh answers late", async () => {
    const locks = fakeLockManager()
    Object.defineProperty(navigator, 'locks', { value: locks, configurable: true })
    try {
      const tabA = makeClient({ storage: sessionStore })
      const tabB = makeClient({ storage: sessionStore })
      const adopted = nextStatus(tabB, 'signed-in')
      await signIn(tabA)
      await adopted
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(Date.now() + 3_600_000)
      // Tab B refreshes Amy's session; the answer is held while James signs in in tab A.
      const held = server.hold('/oauth2/token')
      const amysToken = tabB.getAccessToken()
      await held.reached
      vi.useRealTimers()
      const james = new Promise<void>((resolve) => {
        const stop = tabB.subscribe(() => {
          if (tabB.getSnapshot().claims?.sub === 'james.chalmers') {
            stop()
            resolve()
          }
        })
      })
      await tabA.login()
      const authorizationUrl = navigations.at(-1)
      if (!authorizationUrl) throw new Error('login did not navigate')
      await tabA.handleCallback(server.approve(authorizationUrl, 'james.chalmers'))
      await james
      held.release()
      await expectLoginError(amysToken, 'session_changed')
      expect(tabB.getSnapshot()).toMatchObject({
        status: 'signed-in',
        claims: { sub: 'james.chalmers' },
      })
      const jamesToken = await tabB.getAccessToken()
      const issuedToJames = server.requests.filter((r) => r.path === '/oauth2/token').length
      expect(jamesToken).toBe(await tabA.getAccessToken())
      expect(issuedToJames).toBe(3)
    } finally {
      Reflect.deleteProperty(navigator, 'locks')
    }
  })

  it('[SEC-28] removes the pending sign-in transaction at sign-out', async () => {
    const client = makeClient()
    const callback = await authorize(client)
    expect(sessionStorage.getItem('oauth-connect:login:test-client:transaction')).toContain(
      'verifier',
    )
    await client.logout()
    expect(sessionStorage.length).toBe(0)
    await expectLoginError(client.handleCallback(callback), 'missing_transaction')
    expect(tokenRequests()).toEqual([])
  })

  it('[SEC-28] never hands a resource answer to the page after sign-out', async () => {
    const client = makeClient()
    await signIn(client)
    const held = server.hold('/fhir/Patient')
    const response = client.fetch(`${server.fhirBase}/Patient`)
    await held.reached
    await client.logout()
    held.release()
    await expectLoginError(response, 'session_changed')
  })
})

describe('requests that hang', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  })

  it('[SEC-29] ends a stalled discovery in timeout, reports it, and tries again next time', async () => {
    const held = server.hold('/.well-known/openid-configuration')
    const client = makeClient({ requestTimeoutMs: 5_000 })
    const settled = client.login().catch((error: unknown) => error)
    await held.reached
    await vi.advanceTimersByTimeAsync(4_999)
    expect(client.getSnapshot().status).toBe('signed-out')
    await vi.advanceTimersByTimeAsync(1)
    const error = await settled
    expect(error).toMatchObject({ name: 'LoginError', code: 'timeout' })
    expect(client.getSnapshot()).toMatchObject({ status: 'error', error })
    await client.login()
    expect(navigations).toHaveLength(1)
  })

  it('[SEC-29] ends a stalled refresh in timeout and frees the single flight and the lock', async () => {
    const locks = fakeLockManager()
    Object.defineProperty(navigator, 'locks', { value: locks, configurable: true })
    try {
      const client = makeClient({ storage: sessionStore })
      await signIn(client)
      vi.setSystemTime(Date.now() + 3_600_000)
      const held = server.hold('/oauth2/token')
      const first = client.getAccessToken().catch((error: unknown) => error)
      const joined = client.getAccessToken().catch((error: unknown) => error)
      await held.reached
      await vi.advanceTimersByTimeAsync(30_000)
      expect(await first).toMatchObject({ code: 'timeout' })
      expect(await joined).toBe(await first)
      // The session is kept, and the next call refreshes under a free lock.
      expect(client.getSnapshot().status).toBe('signed-in')
      expect(await client.getAccessToken()).toMatch(/^at-/)
      expect(locks.requested).toHaveLength(2)
    } finally {
      Reflect.deleteProperty(navigator, 'locks')
    }
  })

  it('[SEC-29] signs out even when revocation stalls', async () => {
    const client = makeClient({ requestTimeoutMs: 1_000 })
    await signIn(client)
    const held = server.hold('/oauth2/revoke')
    const logout = client.logout()
    expect(client.getSnapshot().status).toBe('signed-out')
    await held.reached
    await vi.advanceTimersByTimeAsync(1_000)
    await expect(logout).resolves.toBeUndefined()
  })

  it('[SEC-29] aborts a request in flight on close()', async () => {
    const client = makeClient()
    const callback = await authorize(client)
    const held = server.hold('/oauth2/token')
    const exchange = client.handleCallback(callback).catch((error: unknown) => error)
    await held.reached
    client.close()
    expect(await exchange).toMatchObject({ code: 'aborted' })
    held.release()
  })
})

describe('sign-in options and failures', () => {
  it('should send prompt and login_hint when given', async () => {
    const client = makeClient()
    await client.login({ prompt: 'login', loginHint: 'amy.shaw' })
    await client.login({ prompt: undefined, loginHint: undefined })
    expect(navigations[0]?.searchParams.get('prompt')).toBe('login')
    expect(navigations[0]?.searchParams.get('login_hint')).toBe('amy.shaw')
    expect(navigations[1]?.searchParams.has('prompt')).toBe(false)
    expect(navigations[1]?.searchParams.has('login_hint')).toBe(false)
  })

  it('should report a failed sign-in in the snapshot', async () => {
    server.fault('/.well-known/openid-configuration', { status: 500 })
    server.fault('/.well-known/oauth-authorization-server', { status: 500 })
    const client = makeClient()
    const error = await expectLoginError(client.login(), 'discovery_failed')
    expect(client.getSnapshot()).toEqual({ status: 'error', claims: undefined, error })
  })

  it('should name both issuers, and say when only localhost versus 127.0.0.1 differs', async () => {
    server = await start({ metadataIssuer: (issuer) => issuer.replace('127.0.0.1', 'localhost') })
    const near = makeClient()
    const error = await expectLoginError(near.login(), 'discovery_failed')
    const localhost = server.issuer.replace('127.0.0.1', 'localhost')
    expect(error.message).toBe(
      `discovered "issuer" ${localhost} is not the configured ${server.issuer}/ (localhost vs 127.0.0.1: use one)`,
    )
    // A mismatch is an answer: the second discovery path is not tried.
    expect(server.log()).toEqual(['GET /.well-known/openid-configuration'])
    server = await start({ metadataIssuer: () => 'https://auth.example.com' })
    const far = makeClient()
    expect((await expectLoginError(far.login(), 'discovery_failed')).message).toBe(
      `discovered "issuer" https://auth.example.com is not the configured ${server.issuer}/`,
    )
  })

  it('should return the ID token for APIs that take it', async () => {
    const client = makeClient()
    await expectLoginError(client.getIdToken(), 'not_signed_in')
    await signIn(client)
    expect(await client.getIdToken()).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/)
  })
})

describe('storage', () => {
  it('[SEC-10] keeps tokens in memory only by default', async () => {
    const client = makeClient()
    await signIn(client)
    expect(client.getSnapshot().status).toBe('signed-in')
    expect(sessionStorage.length).toBe(0)
    expect(localStorage.length).toBe(0)
    expect(document.cookie).toBe('')
    expect(location.search).toBe('')
    expect(history.state).toBeNull()
    expect(location.href).toBe(`${location.origin}/callback`)
  })

  it('[SEC-10] puts tokens only in sessionStorage when opted in, and restores them', async () => {
    const client = makeClient({ storage: sessionStore })
    await signIn(client)
    expect(localStorage.length).toBe(0)
    expect(document.cookie).toBe('')
    expect(sessionStorage.length).toBe(1)
    expect(sessionStorage.key(0)).toBe('oauth-connect:login:test-client:session')
    expect(sessionStorage.getItem('oauth-connect:login:test-client:session')).toContain('at-2')
    const reloaded = makeClient({ storage: sessionStore })
    expect(reloaded.getSnapshot()).toMatchObject({
      status: 'signed-in',
      claims: { sub: 'amy.shaw' },
    })
    expect(await reloaded.getAccessToken()).toBe('at-2')
  })

  it('[SEC-10] removes the transaction after a failed callback', async () => {
    const client = makeClient()
    const callback = await authorize(client)
    expect(sessionStorage.length).toBe(1)
    await expectLoginError(
      client.handleCallback(withParams(callback, { code: null, error: 'access_denied' })),
      'denied',
    )
    expect(sessionStorage.length).toBe(0)
  })

  it('[SEC-10] drops an abandoned transaction once it has expired', async () => {
    const client = makeClient()
    await client.login()
    expect(sessionStorage.length).toBe(1)
    makeClient()
    expect(sessionStorage.length).toBe(1)
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 600_000)
    makeClient()
    expect(sessionStorage.length).toBe(0)
  })

  it('[SEC-11] strips code and state from the address bar before the token request', async () => {
    const client = makeClient()
    const callback = await authorize(client)
    history.replaceState({ keep: true }, '', withParams(callback, { view: 'full' }))
    await client.handleCallback()
    expect(location.href).toBe(`${location.origin}/callback?view=full`)
    expect(history.state).toEqual({ keep: true })
    const [request] = tokenRequests()
    expect(request?.pageUrl).toBe(`${location.origin}/callback?view=full`)
    expect(request?.headers.referer).not.toContain('code=')
  })
})

describe('tokens', () => {
  it('[SEC-14] makes one refresh for many concurrent callers', async () => {
    const client = makeClient()
    await signIn(client)
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 3_500_000)
    expect(await client.getAccessToken()).toBe('at-2')
    vi.setSystemTime(Date.now() + 40_000)
    const tokens = await Promise.all(Array.from({ length: 10 }, () => client.getAccessToken()))
    expect(new Set(tokens)).toEqual(new Set(['at-4']))
    expect(tokenRequests().map((r) => r.body.get('grant_type'))).toEqual([
      'authorization_code',
      'refresh_token',
    ])
  })

  it('[SEC-13] replaces a rotated refresh token', async () => {
    const client = makeClient()
    await signIn(client)
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 3_600_000)
    expect(await client.getAccessToken()).toBe('at-4')
    vi.setSystemTime(Date.now() + 3_600_000)
    expect(await client.getAccessToken()).toBe('at-6')
    expect(tokenRequests().map((r) => r.body.get('refresh_token'))).toEqual([null, 'rt-3', 'rt-5'])
    expect(client.getSnapshot().claims).toMatchObject({ sub: 'amy.shaw' })
  })

  it('[SEC-13] signs out on invalid_grant during a refresh', async () => {
    const client = makeClient({ storage: sessionStore })
    await signIn(client)
    server.fault('/oauth2/token', {
      status: 400,
      body: JSON.stringify({ error: 'invalid_grant' }),
    })
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 3_600_000)
    const error = await expectLoginError(client.getAccessToken(), 'invalid_grant')
    expect(client.getSnapshot()).toEqual({ status: 'signed-out', claims: undefined, error })
    expect(sessionStorage.length).toBe(0)
    await expectLoginError(client.getAccessToken(), 'not_signed_in')
    expect(tokenRequests()).toHaveLength(2)
  })

  it('should keep the session after a refresh fails on the network', async () => {
    const client = makeClient()
    await signIn(client)
    server.fault('/oauth2/token', { status: 503, body: 'unavailable' })
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 3_600_000)
    await expectLoginError(client.getAccessToken(), 'token_response_invalid')
    expect(client.getSnapshot().status).toBe('signed-in')
    expect(await client.getAccessToken()).toBe('at-4')
  })

  it('should throw not_signed_in before sign-in', async () => {
    const client = makeClient()
    await expectLoginError(client.getAccessToken(), 'not_signed_in')
    await expectLoginError(client.fetch(`${server.fhirBase}/Patient`), 'not_signed_in')
    expect(server.log()).toEqual([])
  })
})

describe('fetch', () => {
  it('[SEC-12] sends the bearer to resource origins only, in the Authorization header', async () => {
    const other = await start()
    const client = makeClient()
    await signIn(client)
    const response = await client.fetch(`${server.fhirBase}/Patient?name=amy`, {
      headers: { accept: 'application/fhir+json' },
    })
    expect(response.status).toBe(200)
    await client.fetch(`${other.issuer}/fhir/Patient`)
    const [resourceRequest] = server.requests.filter((r) => r.path === '/fhir/Patient')
    expect(resourceRequest?.headers.authorization).toBe('Bearer at-2')
    expect(resourceRequest?.headers.accept).toBe('application/fhir+json')
    expect(other.requests).toHaveLength(1)
    expect(other.requests[0]?.headers.authorization).toBeUndefined()
  })

  it('[SEC-12] does not follow a redirect with the bearer', async () => {
    const other = await start()
    const client = makeClient()
    await signIn(client)
    const target = encodeURIComponent(`${other.issuer}/fhir/Patient`)
    const response = await client.fetch(`${server.fhirBase}/redirect?to=${target}`)
    expect(response.status).toBe(302)
    expect(other.requests).toEqual([])
  })

  it('[SEC-13] refreshes once and retries once after a 401 invalid_token', async () => {
    const client = makeClient()
    await signIn(client)
    server.expireAccessTokens()
    const response = await client.fetch(`${server.fhirBase}/Patient`)
    expect(response.status).toBe(200)
    expect(server.log()).toEqual([
      'GET /.well-known/openid-configuration',
      'POST /oauth2/token',
      'GET /fhir/Patient',
      'POST /oauth2/token',
      'GET /fhir/Patient',
    ])
    expect(
      server.requests.filter((r) => r.path === '/fhir/Patient').map((r) => r.headers.authorization),
    ).toEqual(['Bearer at-2', 'Bearer at-4'])
  })

  it('[SEC-13] retries a POST body and stops after one retry', async () => {
    const client = makeClient()
    await signIn(client)
    server.fault('/fhir/Patient', {
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    })
    server.fault('/fhir/Patient', {
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    })
    const response = await client.fetch(`${server.fhirBase}/Patient`, {
      method: 'POST',
      body: '{"resourceType":"Patient"}',
    })
    expect(response.status).toBe(401)
    const posts = server.requests.filter((r) => r.path === '/fhir/Patient')
    expect(posts).toHaveLength(2)
    expect(posts.map((r) => [...r.body.keys()][0])).toEqual([
      '{"resourceType":"Patient"}',
      '{"resourceType":"Patient"}',
    ])
    expect(tokenRequests()).toHaveLength(2)
  })

  it('[SEC-13] does not refresh for a 401 with another challenge', async () => {
    const client = makeClient()
    await signIn(client)
    server.fault('/fhir/Patient', {
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' },
    })
    expect((await client.fetch(`${server.fhirBase}/Patient`)).status).toBe(401)
    expect(tokenRequests()).toHaveLength(1)
  })
})

describe('logout and tabs', () => {
  it('should revoke the refresh token and end the session where advertised', async () => {
    const client = makeClient({ postLogoutRedirectUri: `${location.origin}/` })
    await signIn(client)
    const idToken = tokenRequests()[0] && (await client.getAccessToken())
    expect(idToken).toBe('at-2')
    await client.logout({ endSession: true })
    expect(client.getSnapshot()).toEqual({
      status: 'signed-out',
      claims: undefined,
      error: undefined,
    })
    const revoke = server.requests.find((r) => r.path === '/oauth2/revoke')
    expect(revoke?.body.get('token')).toBe('rt-3')
    const end = navigations.at(-1)
    expect(end?.origin + (end?.pathname ?? '')).toBe(`${server.issuer}/oauth2/session/end`)
    expect(end?.searchParams.get('post_logout_redirect_uri')).toBe(`${location.origin}/`)
    expect(end?.searchParams.get('id_token_hint')).toMatch(/^ey/)
    await expectLoginError(client.getAccessToken(), 'not_signed_in')
  })

  it('should refuse end-session where the server advertises none, signed out anyway', async () => {
    const client = makeClient(
      {},
      fixedEndpoints({
        issuer: server.issuer,
        authorizationEndpoint: `${server.issuer}/oauth2/auth`,
        tokenEndpoint: `${server.issuer}/oauth2/token`,
      }),
    )
    await signIn(client)
    await expectLoginError(client.logout({ endSession: true }), 'end_session_unsupported')
    expect(client.getSnapshot().status).toBe('signed-out')
    expect(navigations).toHaveLength(1)
  })

  it('should sign out locally even when revocation fails', async () => {
    server = await start({ revocation: false })
    const client = makeClient()
    await signIn(client)
    await client.logout()
    expect(client.getSnapshot().status).toBe('signed-out')
    expect(server.log()).not.toContain('POST /oauth2/revoke')
  })

  it('should carry sign-out to other tabs', async () => {
    const tabA = makeClient()
    const tabB = makeClient()
    await signIn(tabA)
    const tabC = makeClient()
    await signIn(tabC)
    const signedOut = new Promise<void>((resolve) => {
      tabC.subscribe(() => {
        if (tabC.getSnapshot().status === 'signed-out') resolve()
      })
    })
    await tabA.logout()
    await signedOut
    expect(tabB.getSnapshot().status).toBe('signed-out')
  })

  it('[SEC-14] a duplicated tab adopts the rotated session instead of replaying its copied refresh token', async () => {
    const tabA = makeClient({ storage: sessionStore })
    await signIn(tabA)
    const key = `oauth-connect:login:${server.clientId}:session`
    const copied = sessionStorage.getItem(key)
    if (copied === null) throw new Error('no stored session')
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 3_600_000)
    const rotated = await tabA.getAccessToken()
    // The duplicate was made before the rotation, so it starts with the old refresh token, and
    // its channel was not open yet when tab A announced the new one.
    sessionStorage.setItem(key, copied)
    const tabB = makeClient({ storage: sessionStore })
    expect(await tabB.getAccessToken()).toBe(rotated)
    expect(await tabA.getAccessToken()).toBe(rotated)
    expect(tokenRequests().map((r) => r.body.get('grant_type'))).toEqual([
      'authorization_code',
      'refresh_token',
    ])
  })

  it('[SEC-14] shares the session with opted-in tabs and never replays a rotated token', async () => {
    const locks = fakeLockManager()
    Object.defineProperty(navigator, 'locks', { value: locks, configurable: true })
    try {
      const tabA = makeClient({ storage: sessionStore })
      const tabB = makeClient({ storage: sessionStore })
      const adopted = nextStatus(tabB, 'signed-in')
      await signIn(tabA)
      await adopted
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(Date.now() + 3_600_000)
      const [a, b] = await Promise.all([tabA.getAccessToken(), tabB.getAccessToken()])
      expect(a).toBe('at-4')
      expect(b).toBe('at-4')
      expect(tokenRequests().map((r) => r.body.get('grant_type'))).toEqual([
        'authorization_code',
        'refresh_token',
      ])
      expect(locks.requested).toEqual([
        'oauth-connect:login:test-client:refresh',
        'oauth-connect:login:test-client:refresh',
      ])
    } finally {
      Reflect.deleteProperty(navigator, 'locks')
    }
  })
})

function nextStatus(client: LoginClient, status: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = client.subscribe(() => {
      if (client.getSnapshot().status === status) {
        stop()
        resolve()
      }
    })
  })
}

/** An exclusive, FIFO Web Locks stand-in (happy-dom has none); the tabs under test share it. */
function fakeLockManager() {
  const tails = new Map<string, Promise<unknown>>()
  const requested: string[] = []
  return {
    requested,
    request<T>(name: string, task: () => Promise<T>): Promise<T> {
      requested.push(name)
      const previous = tails.get(name) ?? Promise.resolve()
      const run = previous.then(task, task)
      tails.set(
        name,
        run.catch(() => undefined),
      )
      return run
    },
  }
}
