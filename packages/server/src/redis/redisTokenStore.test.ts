import { inspect } from 'node:util'
import { createClient } from 'redis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../errors.ts'
import { startServer, type TestServer, tokenReply } from '../test/httpServer.ts'
import { createTokenSource, type TokenSource, type TokenSourceOptions } from '../tokenSource.ts'
import type { TokenStore, TokenStoreKey } from '../tokenStore.ts'
import {
  createRedisTokenStore,
  type RedisClientLike,
  type RedisTokenStoreEvent,
  type RedisTokenStoreOptions,
} from './redisTokenStore.ts'
import { type RedisServer, startRedis } from './test/redisServer.ts'

const SECRET = 'redis-client-s3cret'
const KEY = 'an application key of at least 32 bytes, test only'
const START = Date.UTC(2026, 0, 1)

function newClient() {
  return createClient({
    url: redis.url,
    socket: { reconnectStrategy: () => 50, connectTimeout: 2_000 },
  })
}
type Client = ReturnType<typeof newClient>

let redis: RedisServer
let server: TestServer
let clock: number
const now = () => clock
const clients: Client[] = []

beforeAll(async () => {
  redis = await startRedis()
})

afterAll(async () => {
  await redis?.stop()
})

beforeEach(async () => {
  clock = START
  let issued = 0
  server = await startServer(() => tokenReply({ access_token: `at-${++issued}` }))
  const admin = await connect()
  await admin.sendCommand(['FLUSHALL'])
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await server.close()
})

/** A node-redis client as an app has one: connected, reconnecting quickly in tests. */
async function connect(): Promise<Client> {
  const client = newClient()
  client.on('error', () => undefined)
  clients.push(client)
  await client.connect()
  return client
}

const tokenRequests = () => server.requestsTo('/oauth2/token')

interface Member {
  readonly source: TokenSource
  readonly store: TokenStore
  readonly events: RedisTokenStoreEvent[]
}

/** One "process": its own Redis client, store and token source. */
async function member(
  // Loosely typed: tests also pass the combinations the real type forbids.
  storeOptions: Record<string, unknown> = {},
  sourceOptions: Partial<TokenSourceOptions> = {},
  client?: RedisClientLike,
): Promise<Member> {
  const events: RedisTokenStoreEvent[] = []
  const store = createRedisTokenStore({
    client: client ?? (await connect()),
    encryptionKey: KEY,
    lockPollMs: 5,
    // Generous, so that a loaded machine is not taken for a slow Redis; fault tests set less.
    commandTimeoutMs: 5_000,
    onEvent: (event) => events.push(event),
    now,
    ...storeOptions,
  } as RedisTokenStoreOptions)
  const source = createTokenSource({
    auth: 'client_secret_post',
    tokenEndpoint: `${server.origin}/oauth2/token`,
    clientId: 'fleet',
    clientSecret: SECRET,
    scope: 'system/*.read',
    now,
    store,
    ...sourceOptions,
  } as TokenSourceOptions)
  return { source, store, events }
}

async function rawEntries(): Promise<Map<string, string>> {
  const admin = await connect()
  const keys = (await admin.sendCommand(['KEYS', '*'])) as string[]
  const entries = new Map<string, string>()
  for (const key of keys) {
    const value = await admin.sendCommand(['GET', key]).catch(() => '(not a string)')
    entries.set(key, String(value))
  }
  return entries
}

async function tokenKey(): Promise<string> {
  const keys = [...(await rawEntries()).keys()].filter((k) => k.startsWith('oauth-connect:token:'))
  expect(keys).toHaveLength(1)
  return keys[0] as string
}

/** Repeats `step` until `done()` holds: waits on a state, never on a duration. */
async function until(done: () => boolean, step: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 2_000 && !done(); i++) {
    await step()
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  expect(done()).toBe(true)
}

describe('createRedisTokenStore', { timeout: 60_000 }, () => {
  describe('one token for the fleet', () => {
    it('should make one token request for many sources and concurrent callers', async () => {
      const fleet = await Promise.all(Array.from({ length: 6 }, () => member()))

      const tokens = await Promise.all(
        fleet.flatMap(({ source }) => Array.from({ length: 200 }, () => source.getToken())),
      )

      expect(tokenRequests()).toHaveLength(1)
      expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['at-1']))
      expect(tokens[0]).toMatchObject({
        tokenType: 'Bearer',
        expiresAt: START + 3_600_000,
        scope: 'system/*.read',
      })
    })

    it('should refresh 60 s before expiry with one request for the fleet', async () => {
      const fleet = await Promise.all(Array.from({ length: 4 }, () => member()))
      await Promise.all(fleet.map(({ source }) => source.getToken()))

      clock = START + (3600 - 60) * 1000 - 1
      await Promise.all(fleet.map(({ source }) => source.getToken()))
      expect(tokenRequests()).toHaveLength(1)

      clock = START + (3600 - 60) * 1000
      const refreshed = await Promise.all(
        fleet.flatMap(({ source }) => Array.from({ length: 50 }, () => source.getToken())),
      )

      expect(tokenRequests()).toHaveLength(2)
      expect(new Set(refreshed.map((t) => t.accessToken))).toEqual(new Set(['at-2']))
    })

    it('should keep tokens of different clients, scopes and auth methods apart', async () => {
      const a = await member()
      const b = await member({}, { scope: 'patients:read' })
      const c = await member({}, { clientId: 'other' })
      const d = await member({}, { auth: 'client_secret_basic' })

      const tokens = await Promise.all([a, b, c, d].map(({ source }) => source.getToken()))

      expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(4)
      expect(tokenRequests()).toHaveLength(4)
    })

    it('should drop a token rejected with 401 for the fleet, and only that token', async () => {
      const api = await startServer((request) =>
        request.headers.authorization === 'Bearer at-1' ? { status: 401 } : { json: { ok: true } },
      )
      try {
        const [a, b] = await Promise.all([member(), member()])
        await a.source.getToken()

        const response = await a.source.fetch(`${api.origin}/fhir/Patient`)

        expect(response.status).toBe(200)
        expect(tokenRequests()).toHaveLength(2)
        await expect(b.source.getToken()).resolves.toMatchObject({ accessToken: 'at-2' })
        // A late 401 for at-1 does not drop at-2.
        await b.store.delete(keyOf(), 'at-1')
        await expect(a.source.getToken()).resolves.toMatchObject({ accessToken: 'at-2' })
        expect(tokenRequests()).toHaveLength(2)
      } finally {
        await api.close()
      }
    })
  })

  describe('the lock', () => {
    it('should release the lock only while it holds it', async () => {
      const { store } = await member()
      const lock = await store.lock(keyOf())
      expect(lock).toBeDefined()
      await expect(store.lock(keyOf())).resolves.toBeUndefined()

      // The lock expired and another holder took it: our release must not free theirs.
      const admin = await connect()
      const lockKey = ((await admin.sendCommand(['KEYS', 'oauth-connect:lock:*'])) as string[])[0]
      await admin.sendCommand(['SET', String(lockKey), 'someone-else', 'PX', '60000'])
      await lock?.release()

      expect(await admin.sendCommand(['GET', String(lockKey)])).toBe('someone-else')
      await expect(store.lock(keyOf())).resolves.toBeUndefined()
    })

    it('should set the lock with a random value and an expiry', async () => {
      const { store } = await member({ lockTtlMs: 5_000 })
      await store.lock(keyOf())
      const admin = await connect()
      const [lockKey] = (await admin.sendCommand(['KEYS', 'oauth-connect:lock:*'])) as string[]

      const value = String(await admin.sendCommand(['GET', String(lockKey)]))
      const ttl = Number(await admin.sendCommand(['PTTL', String(lockKey)]))

      expect(value).toMatch(/^[\w-]{24}$/)
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(5_000)
    })

    it('should fetch once the lock of a holder that never writes expires', async () => {
      const admin = await connect()
      const { source, events } = await member({ lockTtlMs: 200, lockWaitMs: 30_000 })
      const { store } = await member()
      const taken = await store.lock(keyOf())
      const [lockKey] = (await admin.sendCommand(['KEYS', 'oauth-connect:lock:*'])) as string[]
      // A holder that died before it wrote: its value stays, its watchdog is gone.
      await taken?.release()
      await admin.sendCommand(['SET', String(lockKey), 'a-dead-holder', 'PX', '200'])

      await expect(source.getToken()).resolves.toMatchObject({ accessToken: 'at-1' })

      expect(tokenRequests()).toHaveLength(1)
      expect(events).toEqual([])
    })

    it('should keep the lock while its holder works, and let it go at release', async () => {
      const admin = await connect()
      const { store } = await member({ lockTtlMs: 300 })
      const lock = await store.lock(keyOf())
      const [lockKey] = (await admin.sendCommand(['KEYS', 'oauth-connect:lock:*'])) as string[]
      const pttl = async () => Number(await admin.sendCommand(['PTTL', String(lockKey)]))
      // Without the watchdog the expiry only falls from here, and the lock is gone in 250 ms; the
      // watchdog (every 100 ms) sets it back to 300 ms.
      await admin.sendCommand(['PEXPIRE', String(lockKey), '250'])
      let ttl = 0
      await until(
        () => ttl > 260,
        async () => {
          ttl = await pttl()
        },
      )
      await expect(store.lock(keyOf())).resolves.toBeUndefined()
      await lock?.release()
      expect(await pttl()).toBe(-2)
      await expect(store.lock(keyOf())).resolves.toBeDefined()
    })

    it('should stop extending a lock that another holder took', async () => {
      const admin = await connect()
      const { store } = await member({ lockTtlMs: 300 })
      await store.lock(keyOf())
      const [lockKey] = (await admin.sendCommand(['KEYS', 'oauth-connect:lock:*'])) as string[]
      await admin.sendCommand(['SET', String(lockKey), 'someone-else', 'PX', '100'])
      let gone = false
      // Never extended: the other holder's 100 ms run out and the key is gone.
      await until(
        () => gone,
        async () => {
          gone = Number(await admin.sendCommand(['PTTL', String(lockKey)])) === -2
        },
      )
    })

    it('should give a lock without an expiry one, so it cannot block refreshes for ever', async () => {
      const admin = await connect()
      const { source } = await member({ lockTtlMs: 200 })
      const { store } = await member()
      await store.lock(keyOf())
      const [lockKey] = (await admin.sendCommand(['KEYS', 'oauth-connect:lock:*'])) as string[]
      await admin.sendCommand(['SET', String(lockKey), 'garbage']) // no expiry

      await expect(source.getToken()).resolves.toMatchObject({ accessToken: 'at-1' })
      expect(tokenRequests()).toHaveLength(1)
    })

    it('should fetch itself after the bounded wait rather than fail', async () => {
      const { source } = await member({ lockTtlMs: 60_000, lockWaitMs: 50, lockPollMs: 10 })
      const { store } = await member()
      await store.lock(keyOf()) // held, and not released within the wait

      await expect(source.getToken()).resolves.toMatchObject({ accessToken: 'at-1' })
      expect(tokenRequests()).toHaveLength(1)
    })
  })

  describe('at rest', () => {
    it('should encrypt tokens and never write the client secret', async () => {
      const { source } = await member()
      const token = await source.getToken()

      const entries = await rawEntries()
      const dump = [...entries].join('\n')
      expect(entries.size).toBe(1)
      expect(dump).not.toContain(token.accessToken)
      expect(dump).not.toContain('system/*.read')
      for (const form of [SECRET, Buffer.from(SECRET).toString('base64'), 'fleet']) {
        expect(dump).not.toContain(form)
      }
      expect([...entries.values()][0]).toMatch(/^e1\.[A-Za-z0-9+/]+=*$/)
    })

    it('should store plain tokens only with allowPlaintext, and never the secret', async () => {
      const { source } = await member({ encryptionKey: undefined, allowPlaintext: true })
      await source.getToken()

      const dump = [...(await rawEntries())].join('\n')
      expect(dump).toContain('at-1')
      expect(dump).not.toContain(SECRET)
      expect(dump).not.toContain(Buffer.from(SECRET).toString('base64'))
    })

    it('should keep the entry only while it may be served', async () => {
      const { source } = await member()
      await source.getToken()
      const admin = await connect()

      const ttl = Number(await admin.sendCommand(['PTTL', await tokenKey()]))

      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual((3600 - 60) * 1000)
    })

    it('should ignore and replace an entry written with another key', async () => {
      const other = await member({ encryptionKey: `${KEY} but another one` })
      await other.source.getToken()
      const mine = await member()

      await expect(mine.source.getToken()).resolves.toMatchObject({ accessToken: 'at-2' })
      expect(distinct(mine.events)).toEqual([{ type: 'invalid-entry', reason: 'undecryptable' }])
      await expect((await member()).source.getToken()).resolves.toMatchObject({
        accessToken: 'at-2',
      })
      expect(tokenRequests()).toHaveLength(2)
    })

    it.each([
      [
        {},
        '"encryptionKey" is required to store tokens; pass "allowPlaintext: true" to store them unencrypted',
      ],
      [{ encryptionKey: 'short' }, '"encryptionKey" must be at least 32 bytes or characters'],
      [
        { encryptionKey: new Uint8Array(31) },
        '"encryptionKey" must be at least 32 bytes or characters',
      ],
      [
        { allowPlaintext: false },
        '"encryptionKey" is required to store tokens; pass "allowPlaintext: true" to store them unencrypted',
      ],
      [
        { encryptionKey: KEY, allowPlaintext: true },
        'only one of "encryptionKey" and "allowPlaintext" may be given',
      ],
      [{ encryptionKey: KEY, lockTtlMs: 0 }, '"lockTtlMs" must be a positive integer'],
      [
        { encryptionKey: KEY, commandTimeoutMs: 1.5 },
        '"commandTimeoutMs" must be a positive integer',
      ],
      [{ encryptionKey: KEY, client: {} }, '"client" must be a node-redis client'],
    ])('should reject the options %o', async (options, message) => {
      const client = await connect()
      expect(() =>
        createRedisTokenStore({ client, ...options } as unknown as RedisTokenStoreOptions),
      ).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message }))
      expect(() =>
        createRedisTokenStore({ client, ...options } as unknown as RedisTokenStoreOptions),
      ).toThrow(InvalidArgumentError)
    })

    it('should keep the key out of inspect and JSON', async () => {
      const { store, source } = await member()

      for (const printed of [
        inspect(store, { depth: 10, showHidden: true }),
        JSON.stringify(store),
        JSON.stringify(source),
      ]) {
        expect(printed).not.toContain(KEY)
        expect(printed).not.toContain(SECRET)
      }
    })
  })

  describe('bad data', () => {
    it.each([
      [
        'garbage',
        async (key: string, admin: Client) => admin.sendCommand(['SET', key, 'not a token']),
      ],
      [
        'a truncated ciphertext',
        async (key: string, admin: Client) => admin.sendCommand(['SET', key, 'e1.AAAA']),
      ],
      [
        'a plain entry',
        async (key: string, admin: Client) =>
          admin.sendCommand(['SET', key, 'p1.{"k":"x","r":1e20,"a":"forged","e":null,"s":null}']),
      ],
      [
        'a list',
        async (key: string, admin: Client) => {
          await admin.sendCommand(['DEL', key])
          return admin.sendCommand(['RPUSH', key, 'a'])
        },
      ],
    ])('should ignore and replace %s', async (_, write) => {
      const first = await member()
      await first.source.getToken()
      const key = await tokenKey()
      await write(key, await connect())
      const next = await member()

      await expect(next.source.getToken()).resolves.toMatchObject({ accessToken: 'at-2' })

      expect(distinct(next.events).map((e) => e.type)).toEqual(['invalid-entry'])
      await expect((await member()).source.getToken()).resolves.toMatchObject({
        accessToken: 'at-2',
      })
      expect(tokenRequests()).toHaveLength(2)
    })

    it('should ignore a token stored for another key', async () => {
      const other = await member({}, { scope: 'patients:read' })
      await other.source.getToken()
      const otherKey = await tokenKey()
      const admin = await connect()
      const stolen = String(await admin.sendCommand(['GET', otherKey]))
      const mine = await member()
      await mine.source.getToken()
      const myKey = [...(await rawEntries()).keys()].find(
        (k) => k.startsWith('oauth-connect:token:') && k !== otherKey,
      )
      await admin.sendCommand(['SET', String(myKey), stolen])

      const fresh = await member()
      await expect(fresh.source.getToken()).resolves.toMatchObject({ accessToken: 'at-3' })
      expect(distinct(fresh.events)).toEqual([{ type: 'invalid-entry', reason: 'undecryptable' }])
    })

    it('should ignore a token for another key even stored in plain text', async () => {
      const plain = { encryptionKey: undefined, allowPlaintext: true } as const
      const other = await member(plain, { scope: 'patients:read' })
      await other.source.getToken()
      const otherKey = await tokenKey()
      const admin = await connect()
      const stolen = String(await admin.sendCommand(['GET', otherKey]))
      const mine = await member(plain)
      await mine.source.getToken()
      const myKey = [...(await rawEntries()).keys()].find(
        (k) => k.startsWith('oauth-connect:token:') && k !== otherKey,
      )
      await admin.sendCommand(['SET', String(myKey), stolen])

      const fresh = await member(plain)
      await expect(fresh.source.getToken()).resolves.toMatchObject({ accessToken: 'at-3' })
      expect(distinct(fresh.events)).toEqual([{ type: 'invalid-entry', reason: 'other-key' }])
    })

    it('should not serve an expired entry', async () => {
      const first = await member()
      await first.source.getToken()
      const key = await tokenKey()
      const admin = await connect()
      await admin.sendCommand(['PERSIST', key]) // Redis would not drop it by itself now

      clock = START + 3600 * 1000
      const late = await member()

      await expect(late.source.getToken()).resolves.toMatchObject({ accessToken: 'at-2' })
      expect(tokenRequests()).toHaveLength(2)
    })
  })

  describe('Redis faults', () => {
    it('should fall back when Redis is killed mid-run, and return to it when it is back', async () => {
      const fleet = await Promise.all(Array.from({ length: 3 }, () => member({ retryAfterMs: 20 })))
      await Promise.all(fleet.map(({ source }) => source.getToken()))
      expect(tokenRequests()).toHaveLength(1)

      await redis.kill()
      clock = START + 3600 * 1000 // every process must refresh while Redis is gone
      const during = await Promise.all(fleet.map(({ source }) => source.getToken()))

      expect(during.every((t) => t.accessToken.startsWith('at-'))).toBe(true)
      for (const { events } of fleet) expect(events[0]?.type).toBe('fallback')
      const requestsWhileDown = tokenRequests().length
      // In-process behaviour: at most one request per process, none per call.
      await Promise.all(fleet.flatMap(({ source }) => [source.getToken(), source.getToken()]))
      expect(tokenRequests()).toHaveLength(requestsWhileDown)

      await redis.restart()
      await until(
        () => fleet.every(({ events }) => events.some((e) => e.type === 'recovered')),
        () => Promise.all(fleet.map(({ source }) => source.getToken())),
      )

      // Shared again: a refresh is one request for the fleet.
      const before = tokenRequests().length
      clock = START + 2 * 3600 * 1000
      const after = await Promise.all(fleet.map(({ source }) => source.getToken()))
      expect(tokenRequests()).toHaveLength(before + 1)
      expect(new Set(after.map((t) => t.accessToken)).size).toBe(1)
    })

    it('should fall back when Redis is paused, and return to it when it answers', async () => {
      const fleet = await Promise.all(
        Array.from({ length: 2 }, () => member({ commandTimeoutMs: 1_000, retryAfterMs: 20 })),
      )
      await Promise.all(fleet.map(({ source }) => source.getToken()))

      redis.pause()
      try {
        clock = START + 3600 * 1000
        const during = await Promise.all(fleet.map(({ source }) => source.getToken()))
        expect(during.every((t) => t.accessToken.startsWith('at-'))).toBe(true)
        for (const { events } of fleet) {
          expect(events[0]).toMatchObject({
            type: 'fallback',
            cause: { name: 'RedisTimeoutError' },
          })
        }
      } finally {
        redis.resume()
      }

      await until(
        () => fleet.every(({ events }) => events.some((e) => e.type === 'recovered')),
        () => Promise.all(fleet.map(({ source }) => source.getToken())),
      )
      const before = tokenRequests().length
      clock = START + 2 * 3600 * 1000
      await Promise.all(fleet.map(({ source }) => source.getToken()))
      expect(tokenRequests()).toHaveLength(before + 1)
    })

    it('should never throw for a client that is not connected', async () => {
      const client = createClient({ url: redis.url })
      const { source, events } = await member({}, {}, client)

      await expect(source.getToken()).resolves.toMatchObject({ accessToken: 'at-1' })
      await expect(source.getToken()).resolves.toMatchObject({ accessToken: 'at-1' })
      source.invalidate()
      await expect(source.getToken()).resolves.toMatchObject({ accessToken: 'at-2' })
      expect(events).toMatchObject([{ type: 'fallback' }])
    })

    it('should never throw for a client whose commands fail', async () => {
      const failing: RedisClientLike = {
        isReady: true,
        sendCommand: async () => {
          throw new Error('ECONNRESET')
        },
      }
      const { source, events } = await member({}, {}, failing)

      const tokens = await Promise.all(Array.from({ length: 100 }, () => source.getToken()))

      expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['at-1']))
      expect(tokenRequests()).toHaveLength(1)
      expect(events).toMatchObject([{ type: 'fallback', cause: { message: 'ECONNRESET' } }])
    })

    it('should survive an onEvent callback that throws', async () => {
      const { source } = await member({
        onEvent: () => {
          throw new Error('reporting failed')
        },
      })
      await redis.kill()
      try {
        await expect(source.getToken()).resolves.toMatchObject({ accessToken: 'at-1' })
      } finally {
        await redis.restart()
      }
    })
  })
})

/** The events, each once (a source reads the store again after taking the lock). */
function distinct(events: readonly RedisTokenStoreEvent[]): RedisTokenStoreEvent[] {
  const seen = new Set<string>()
  return events.filter((event) => {
    const id = JSON.stringify(event)
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}

function keyOf(): TokenStoreKey {
  return {
    issuer: undefined,
    tokenEndpoint: `${server.origin}/oauth2/token`,
    clientId: 'fleet',
    scope: 'system/*.read',
    auth: 'client_secret_post',
  }
}
