import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createClient } from 'redis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startServer, type TestServer, tokenReply } from '../test/httpServer.ts'
import { createTokenSource } from '../tokenSource.ts'
import { createRedisTokenStore } from './redisTokenStore.ts'
import { type RedisServer, startRedis } from './test/redisServer.ts'

const member = fileURLToPath(new URL('./test/fleetMember.ts', import.meta.url))
const packageDir = fileURLToPath(new URL('../..', import.meta.url))
const SECRET = 'fleet-s3cret'
const KEY = 'the fleet key, at least 32 bytes long'

interface Member {
  readonly child: ChildProcess
  /** Resolves once the member has printed `ready`. */
  readonly ready: Promise<void>
  /** Resolves with the member's JSON result. */
  readonly result: Promise<{ tokens: string[]; events: string[] }>
  go(): void
}

let redis: RedisServer
let server: TestServer
const children: ChildProcess[] = []

beforeAll(async () => {
  redis = await startRedis()
})

afterAll(async () => {
  await redis?.stop()
})

beforeEach(async () => {
  let issued = 0
  server = await startServer(() => tokenReply({ access_token: `at-${++issued}` }))
})

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
  await server.close()
})

function spawnMember(env: Record<string, string> = {}): Member {
  const child = spawn(process.execPath, ['--import', 'tsx', member], {
    cwd: packageDir,
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: redis.url,
      TOKEN_ENDPOINT: `${server.origin}/oauth2/token`,
      CLIENT_SECRET: SECRET,
      STORE_KEY: KEY,
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  let errors = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8')
  })
  const lines: ((line: string) => void)[] = []
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
    let newline = output.indexOf('\n')
    while (newline !== -1) {
      const line = output.slice(0, newline)
      output = output.slice(newline + 1)
      lines.shift()?.(line)
      newline = output.indexOf('\n')
    }
  })
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      lines.push(resolve)
      child.once('exit', (code) => reject(new Error(`member exited with ${code}: ${errors}`)))
    })
  const ready = nextLine().then((line) => {
    expect(line).toBe('ready')
  })
  const result = ready.then(async () => JSON.parse(await nextLine()))
  // A member killed on purpose never reports; whoever awaits the result still sees the failure.
  result.catch(() => undefined)
  return { child, ready, result, go: () => child.stdin?.write('go\n') }
}

// Each member starts Node with tsx; the limit is for a loaded 2-core machine, not a timing claim.
describe('a fleet of processes on one Redis', { timeout: 120_000 }, () => {
  it('should make exactly one token request for 4 processes × 250 concurrent calls', async () => {
    const fleet = Array.from({ length: 4 }, () => spawnMember({ CALLS: '250' }))
    await Promise.all(fleet.map((m) => m.ready))

    for (const m of fleet) m.go()
    const results = await Promise.all(fleet.map((m) => m.result))

    expect(server.requestsTo('/oauth2/token')).toHaveLength(1)
    expect(results.map((r) => r.tokens)).toEqual(Array(4).fill(['at-1']))
    expect(results.flatMap((r) => r.events)).toEqual([])
  })

  it('should fetch in another process when the lock holder dies before it writes', async () => {
    // The token endpoint holds the first request, so the first member dies holding the lock.
    let held: (() => void) | undefined
    const first = new Promise<void>((resolve) => {
      held = resolve
    })
    let issued = 0
    server.handle(() => {
      issued += 1
      if (issued === 1) {
        held?.()
        return new Promise(() => undefined)
      }
      return tokenReply({ access_token: `at-${issued}` })
    })
    const holder = spawnMember({ CALLS: '1', LOCK_TTL_MS: '500' })
    await holder.ready
    holder.go()
    await first
    const dead = new Promise((resolve) => holder.child.once('exit', resolve))
    holder.child.kill('SIGKILL')
    await dead

    const client = createClient({ url: redis.url })
    client.on('error', () => undefined)
    await client.connect()
    try {
      const lockKeys = (await client.sendCommand(['KEYS', 'oauth-connect:lock:*'])) as string[]
      expect(lockKeys).toHaveLength(1)
      const source = createTokenSource({
        auth: 'client_secret_post',
        tokenEndpoint: `${server.origin}/oauth2/token`,
        clientId: 'fleet',
        clientSecret: SECRET,
        store: createRedisTokenStore({ client, encryptionKey: KEY, lockTtlMs: 500, lockPollMs: 5 }),
      })

      await expect(source.getToken()).resolves.toMatchObject({ accessToken: 'at-2' })

      expect(server.requestsTo('/oauth2/token')).toHaveLength(2)
      const survivor = spawnMember({ CALLS: '10' })
      await survivor.ready
      survivor.go()
      await expect(survivor.result).resolves.toMatchObject({ tokens: ['at-2'] })
      expect(server.requestsTo('/oauth2/token')).toHaveLength(2)
    } finally {
      client.destroy()
    }
  })
})
