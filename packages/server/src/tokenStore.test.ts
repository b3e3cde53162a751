import { inspect } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startServer, type TestServer, tokenReply } from './test/httpServer.ts'
import { type AccessToken, createTokenSource, type TokenSourceOptions } from './tokenSource.ts'
import {
  MemoryTokenStore,
  type StoredToken,
  type TokenStore,
  type TokenStoreKey,
} from './tokenStore.ts'

const SECRET = 'store-s3cret'
const START = Date.UTC(2026, 0, 1)

let server: TestServer
let clock: number
const now = () => clock

beforeEach(async () => {
  clock = START
  let issued = 0
  server = await startServer(() => tokenReply({ access_token: `at-${++issued}` }))
})

afterEach(async () => {
  await server.close()
})

const tokenRequests = () => server.requestsTo('/oauth2/token')

function source(overrides: Record<string, unknown> = {}) {
  const location = 'issuer' in overrides ? {} : { tokenEndpoint: `${server.origin}/oauth2/token` }
  return createTokenSource({
    auth: 'client_secret_post',
    ...location,
    clientId: 'backend',
    clientSecret: SECRET,
    scope: 'system/*.read',
    now,
    ...overrides,
  } as TokenSourceOptions)
}

function entry(accessToken: string, refreshAt = START + 60_000): StoredToken {
  const token: AccessToken = {
    accessToken,
    tokenType: 'Bearer',
    expiresAt: refreshAt + 60_000,
    scope: undefined,
  }
  return { token, refreshAt }
}

/** A store that records every call, backed by a MemoryTokenStore. */
function recordingStore(overrides: Partial<TokenStore> = {}) {
  const inner = new MemoryTokenStore()
  const calls: { method: string; args: unknown[] }[] = []
  const record =
    <A extends unknown[], R>(method: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      calls.push({ method, args })
      return fn(...args)
    }
  const store: TokenStore = {
    get: record('get', overrides.get ?? ((key) => inner.get(key))),
    set: record('set', overrides.set ?? ((key, value) => inner.set(key, value))),
    delete: record('delete', overrides.delete ?? ((key, token) => inner.delete(key, token))),
    lock: record('lock', overrides.lock ?? ((key) => inner.lock(key))),
    lockWait: overrides.lockWait ?? { timeoutMs: 1_000, pollMs: 0 },
  }
  return { store, calls, inner }
}

describe('token stores', () => {
  it('should key the token by token endpoint, client id, scope and auth method, never the secret', async () => {
    const { store, calls } = recordingStore()

    await source({ store }).getToken()

    const key: TokenStoreKey = {
      issuer: undefined,
      tokenEndpoint: `${server.origin}/oauth2/token`,
      clientId: 'backend',
      scope: 'system/*.read',
      auth: 'client_secret_post',
    }
    expect(calls.map((c) => c.method)).toEqual(['get', 'lock', 'get', 'set'])
    for (const call of calls) expect(call.args[0]).toEqual(key)
    expect(inspect(calls, { depth: 10 })).not.toContain(SECRET)
  })

  it('should key a discovered source by its issuer', async () => {
    server.handle((request) =>
      request.path === '/.well-known/openid-configuration'
        ? { json: { issuer: server.origin, token_endpoint: `${server.origin}/oauth2/token` } }
        : tokenReply(),
    )
    const { store, calls } = recordingStore()

    await source({ store, issuer: server.origin }).getToken()

    expect(calls[0]?.args[0]).toMatchObject({
      issuer: `${server.origin}/`,
      tokenEndpoint: undefined,
    })
  })

  it('should share one token between sources sharing a MemoryTokenStore', async () => {
    const store = new MemoryTokenStore()
    const a = source({ store })
    const b = source({ store })

    const tokens = await Promise.all([a, b].flatMap((s) => [s.getToken(), s.getToken()]))

    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['at-1']))
    expect(tokenRequests()).toHaveLength(1)
  })

  it('should serve a token another holder stores while it waits for the lock', async () => {
    const { store, inner } = recordingStore({
      lock: async () => {
        // Another process holds the lock, and writes its token meanwhile.
        await inner.set(keyOf(), entry('from-another-process'))
        return undefined
      },
    })

    await expect(source({ store }).getToken()).resolves.toMatchObject({
      accessToken: 'from-another-process',
    })
    expect(tokenRequests()).toEqual([])
  })

  it('should request a token itself after the bounded wait for a lock that is never freed', async () => {
    const { store, calls } = recordingStore({
      lock: async () => undefined,
      lockWait: { timeoutMs: 20, pollMs: 5 },
    })

    await expect(source({ store }).getToken()).resolves.toMatchObject({ accessToken: 'at-1' })

    expect(tokenRequests()).toHaveLength(1)
    expect(calls.filter((c) => c.method === 'lock')).toHaveLength(5)
  })

  it('should not serve a stored token past its refreshAt', async () => {
    const { store, inner } = recordingStore()
    await inner.set(keyOf(), entry('stale', START))

    await expect(source({ store }).getToken()).resolves.toMatchObject({ accessToken: 'at-1' })
  })

  it.each([
    ['rejects', () => Promise.reject(new Error('store down'))],
    [
      'throws synchronously',
      () => {
        throw new Error('store down')
      },
    ],
  ])(
    'should never fail getToken, fetch or invalidate when every store method %s',
    async (_, fault) => {
      const { store } = recordingStore({
        get: fault,
        set: fault,
        delete: fault,
        lock: fault,
      } as Partial<TokenStore>)
      const tokens = source({ store })
      const api = await startServer((request) =>
        request.headers.authorization === 'Bearer at-1' ? { status: 401 } : { json: { ok: true } },
      )
      try {
        await expect(tokens.getToken()).resolves.toMatchObject({ accessToken: 'at-1' })
        expect(() => tokens.invalidate()).not.toThrow()
        await expect(tokens.fetch(`${api.origin}/x`)).resolves.toMatchObject({ status: 200 })
      } finally {
        await api.close()
      }
    },
  )

  it('should reject a store that is not one', () => {
    for (const store of [{}, { get() {}, set() {}, delete() {}, lock() {} }, 'redis']) {
      expect(() => source({ store })).toThrow(
        expect.objectContaining({
          name: 'InvalidArgumentError',
          message: '"store" must have get, set, delete and lock methods and a lockWait',
        }),
      )
    }
  })

  describe('MemoryTokenStore', () => {
    it('should delete with an access token only while that token is stored', async () => {
      const store = new MemoryTokenStore()
      await store.set(keyOf(), entry('at-2'))

      await store.delete(keyOf(), 'at-1')
      await expect(store.get(keyOf())).resolves.toMatchObject({ token: { accessToken: 'at-2' } })
      await store.delete(keyOf(), 'at-2')
      await expect(store.get(keyOf())).resolves.toBeUndefined()
    })

    it('should hold one lock per key until its holder releases it', async () => {
      const store = new MemoryTokenStore()
      const other = { ...keyOf(), scope: 'other' }

      const lock = await store.lock(keyOf())
      await expect(store.lock(keyOf())).resolves.toBeUndefined()
      await expect(store.lock(other)).resolves.toBeDefined()
      await lock?.release()
      await lock?.release()
      const next = await store.lock(keyOf())
      expect(next).toBeDefined()
      // A second release of the old lock must not free the new holder's.
      await lock?.release()
      await expect(store.lock(keyOf())).resolves.toBeUndefined()
    })
  })
})

function keyOf(): TokenStoreKey {
  return {
    issuer: undefined,
    tokenEndpoint: `${server.origin}/oauth2/token`,
    clientId: 'backend',
    scope: 'system/*.read',
    auth: 'client_secret_post',
  }
}
