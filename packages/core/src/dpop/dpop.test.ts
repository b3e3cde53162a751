import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLoginClient } from '../login/createLoginClient.ts'
import { LoginError } from '../login/errors.ts'
import type { LoginClient } from '../login/loginClient.ts'
import { fixedEndpoints } from '../login/server.ts'
import { sessionStore } from '../login/sessionStore.ts'
import { dpop, generateDPoPKeyPair } from './dpop.ts'
import { type DPoPKeyStore, memoryKeyStore, type StoredDPoPKey } from './keyStore.ts'
import { type DPoPServer, type DPoPServerOptions, startDPoPServer } from './test/dpopServer.ts'

const servers: DPoPServer[] = []
const clients: LoginClient[] = []
let navigations: URL[]

beforeEach(() => {
  navigations = []
  sessionStorage.clear()
  history.replaceState(null, '', '/')
})

afterEach(async () => {
  vi.useRealTimers()
  for (const client of clients.splice(0)) client.close()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function start(options?: DPoPServerOptions): Promise<DPoPServer> {
  const server = await startDPoPServer(options)
  servers.push(server)
  return server
}

/** A store that keeps what it is given in this test's memory, so a test can look at the key. */
function recordingStore(saved: StoredDPoPKey[] = []): DPoPKeyStore {
  return {
    load: async () => saved.at(-1),
    save: async (key) => {
      saved.push(key)
    },
  }
}

function makeClient(
  server: DPoPServer,
  store: DPoPKeyStore = memoryKeyStore(),
  extra: { storage?: typeof sessionStore } = {},
): LoginClient {
  const client = createLoginClient(
    fixedEndpoints({
      issuer: server.issuer,
      authorizationEndpoint: `${server.issuer}/authorize`,
      tokenEndpoint: `${server.issuer}/token`,
    }),
    {
      clientId: 'dpop-client',
      redirectUri: `${location.origin}/callback`,
      scope: 'patient/*.rs',
      allowInsecureLoopback: true,
      resourceOrigins: [server.issuer],
      navigate: (url) => navigations.push(url),
      dpop: dpop({ store }),
      ...extra,
    },
  )
  clients.push(client)
  return client
}

/** Starts a sign-in, plays the server's approval and finishes it on the callback URL. */
async function signIn(client: LoginClient): Promise<void> {
  await client.login({ returnTo: '/' })
  const authorization = navigations.at(-1)
  if (!authorization) throw new Error('login did not navigate')
  const callback = new URL('/callback', location.origin)
  callback.searchParams.set('code', 'code-1')
  callback.searchParams.set('state', authorization.searchParams.get('state') ?? '')
  await client.handleCallback(callback)
}

const tokenRequests = (server: DPoPServer) => server.requests.filter((r) => r.path === '/token')
const fhirRequests = (server: DPoPServer) => server.requests.filter((r) => r.path !== '/token')

async function expectLoginError(promise: Promise<unknown>, code: string): Promise<LoginError> {
  const error = await promise.then(
    () => undefined,
    (cause: unknown) => cause,
  )
  expect(error).toBeInstanceOf(LoginError)
  expect((error as LoginError).code).toBe(code)
  return error as LoginError
}

/** Sends a captured request again, exactly as the client sent it, to `path`. */
function replay(server: DPoPServer, path: string, headers: Record<string, string>) {
  return fetch(`${server.issuer}${path}`, { headers })
}

describe('dpop', () => {
  it('[DPoP] makes an ES256 key pair whose private key cannot be exported', async () => {
    const keys = await generateDPoPKeyPair()
    expect(keys.privateKey.extractable).toBe(false)
    expect(keys.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' })
    await expect(crypto.subtle.exportKey('jwk', keys.privateKey)).rejects.toThrow()
  })

  it('[DPoP] stores the key it makes when the client is created, before any sign-in', async () => {
    const server = await start()
    const saved: StoredDPoPKey[] = []
    makeClient(server, recordingStore(saved))
    await vi.waitFor(() => expect(saved).toHaveLength(1))
    expect(saved[0]?.keys.privateKey.extractable).toBe(false)
    expect(server.requests).toHaveLength(0)
  })

  it('[DPoP] the code exchange carries a proof and the token is bound to the key', async () => {
    const server = await start()
    const client = makeClient(server)
    await signIn(client)
    const [exchange] = tokenRequests(server)
    expect(exchange?.status).toBe(200)
    expect(exchange?.proof).toMatchObject({ htm: 'POST', htu: `${server.issuer}/token` })
    expect(exchange?.proof?.ath).toBeUndefined()
    const token = await client.getAccessToken()
    expect(server.boundKey(token)).toMatch(/^[\w-]{43}$/)
  })

  it('[SEC-12][DPoP] fetch sends Authorization: DPoP with a proof bound to method, URL and token', async () => {
    const server = await start()
    const client = makeClient(server)
    await signIn(client)
    const response = await client.fetch(`${server.issuer}/fhir/Patient?name=amy`, {
      method: 'POST',
      body: '{}',
    })
    expect(response.status).toBe(200)
    const [call] = fhirRequests(server)
    const token = await client.getAccessToken()
    expect(call?.authorization).toBe(`DPoP ${token}`)
    expect(call?.proof).toMatchObject({
      htm: 'POST',
      // The query is not part of htu (RFC 9449 §4.2).
      htu: `${server.issuer}/fhir/Patient`,
      ath: expect.stringMatching(/^[\w-]{43}$/),
    })
  })

  it('[SEC-12][DPoP] another origin gets no token and no proof', async () => {
    const server = await start()
    const other = await start()
    const client = makeClient(server)
    await signIn(client)
    await client.fetch(`${other.issuer}/fhir/Patient`)
    expect(other.requests[0]?.authorization).toBeUndefined()
    expect(other.requests[0]?.dpop).toBeUndefined()
  })

  it('[DPoP] a proof for one URL is refused at another', async () => {
    const server = await start()
    const client = makeClient(server)
    await signIn(client)
    await client.fetch(`${server.issuer}/fhir/Patient`)
    const [call] = fhirRequests(server)
    const response = await replay(server, '/fhir/Observation', {
      authorization: call?.authorization ?? '',
      dpop: call?.dpop ?? '',
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"')
    expect(fhirRequests(server)[1]?.reason).toBe('htu')
  })

  it('[DPoP] a replayed proof is refused', async () => {
    const server = await start()
    const client = makeClient(server)
    await signIn(client)
    await client.fetch(`${server.issuer}/fhir/Patient`)
    const [call] = fhirRequests(server)
    const response = await replay(server, '/fhir/Patient', {
      authorization: call?.authorization ?? '',
      dpop: call?.dpop ?? '',
    })
    expect(response.status).toBe(401)
    expect(fhirRequests(server)[1]?.reason).toBe('replay')
  })

  it('[DPoP] the token without its proof is refused, as bearer or as DPoP', async () => {
    const server = await start()
    const client = makeClient(server)
    await signIn(client)
    const token = await client.getAccessToken()
    const bearer = await replay(server, '/fhir/Patient', { authorization: `Bearer ${token}` })
    const bare = await replay(server, '/fhir/Patient', { authorization: `DPoP ${token}` })
    expect([bearer.status, bare.status]).toEqual([401, 401])
    expect(fhirRequests(server).map((r) => r.reason)).toEqual(['scheme', 'no proof'])
  })

  it('[DPoP] a nonce challenge at the token endpoint costs exactly one retry', async () => {
    const server = await start({ tokenNonce: true })
    const client = makeClient(server)
    await signIn(client)
    expect(tokenRequests(server).map((r) => [r.status, r.error])).toEqual([
      [400, 'use_dpop_nonce'],
      [200, undefined],
    ])
    expect(tokenRequests(server)[1]?.proof?.nonce).toEqual(expect.any(String))
  })

  it('[DPoP] a nonce challenge at the resource server costs exactly one retry', async () => {
    const server = await start({ resourceNonce: true })
    const client = makeClient(server)
    await signIn(client)
    const first = await client.fetch(`${server.issuer}/fhir/Patient`)
    expect(first.status).toBe(200)
    expect(fhirRequests(server).map((r) => [r.status, r.error])).toEqual([
      [401, 'use_dpop_nonce'],
      [200, undefined],
    ])
    // The nonce is kept: the next call needs no retry. A new nonce costs one retry again.
    await client.fetch(`${server.issuer}/fhir/Patient`)
    server.rotateNonce()
    await client.fetch(`${server.issuer}/fhir/Patient`)
    expect(fhirRequests(server).map((r) => r.status)).toEqual([401, 200, 200, 401, 200])
  })

  it('[DPoP] a refresh carries a proof of the same key, and the new token stays bound to it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const server = await start()
    const client = makeClient(server)
    await signIn(client)
    const first = await client.getAccessToken()
    vi.setSystemTime(Date.now() + 3_600_000)
    const second = await client.getAccessToken()
    expect(second).not.toBe(first)
    const [, refresh] = tokenRequests(server)
    expect(refresh?.status).toBe(200)
    expect(server.boundKey(second)).toBe(server.boundKey(first))
  })

  it('[DPoP] a server that answers Bearer to a DPoP client is refused: no bearer fallback', async () => {
    const server = await start({ bearerTokens: true })
    const client = makeClient(server)
    await expectLoginError(signIn(client), 'token_response_invalid')
    expect(client.getSnapshot().status).toBe('error')
    await expectLoginError(client.getAccessToken(), 'not_signed_in')
  })

  it('[DPoP] sign-out makes a new key for the next session', async () => {
    const server = await start()
    const saved: StoredDPoPKey[] = []
    const client = makeClient(server, recordingStore(saved))
    await signIn(client)
    const first = server.boundKey(await client.getAccessToken())
    await client.logout()
    await signIn(client)
    const second = server.boundKey(await client.getAccessToken())
    expect(second).not.toBe(first)
    expect(new Set(saved.map((key) => key.keys)).size).toBe(2)
  })

  it('[DPoP] tabs that share a session (sessionStore) share its key, also after a sign-out and a new sign-in', async () => {
    const server = await start()
    const saved: StoredDPoPKey[] = []
    const store = recordingStore(saved)
    const tab = makeClient(server, store, { storage: sessionStore })
    await vi.waitFor(() => expect(saved).toHaveLength(1))
    const other = makeClient(server, store, { storage: sessionStore })
    await signIn(tab)
    await vi.waitFor(() => expect(other.getSnapshot().status).toBe('signed-in'))
    await tab.logout()
    await vi.waitFor(() => expect(other.getSnapshot().status).toBe('signed-out'))
    await signIn(tab)
    await vi.waitFor(() => expect(other.getSnapshot().status).toBe('signed-in'))
    // The other tab's proofs use the key the new session is bound to, not the one it loaded.
    const response = await other.fetch(`${server.issuer}/fhir/Patient`)
    expect(response.status).toBe(200)
  })

  it('[DPoP] a session whose key is gone fails with dpop_key_lost, sends nothing, and a new sign-in recovers', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const server = await start()
    const first = makeClient(server, memoryKeyStore(), { storage: sessionStore })
    await signIn(first)
    first.close()
    // A reload in a browser without IndexedDB: the session comes back from sessionStorage, the
    // key does not.
    const reloaded = makeClient(server, memoryKeyStore(), { storage: sessionStore })
    expect(reloaded.getSnapshot().status).toBe('signed-in')
    await expectLoginError(reloaded.fetch(`${server.issuer}/fhir/Patient`), 'dpop_key_lost')
    vi.setSystemTime(Date.now() + 3_600_000)
    await expectLoginError(reloaded.getAccessToken(), 'dpop_key_lost')
    // Neither the refresh token nor the access token went out, with or without a proof.
    expect(server.requests.map((r) => r.path)).toEqual(['/token'])
    await signIn(reloaded)
    expect((await reloaded.fetch(`${server.issuer}/fhir/Patient`)).status).toBe(200)
  })
})
