// Server token source through Redis (`@oauth-connect/server/redis`): how many token requests 8 Node
// processes × 1,000 concurrent cold getToken() calls make through one Redis, and how many one
// forced refresh adds; then the latency of a cached getToken() through Redis beside the in-memory
// store, in the same run. Needs Debian's redis-server (scripts/setup.sh installs it); started on a
// free 127.0.0.1 port and stopped here. Run alone with `node bench/redis-fleet.mjs` (prints JSON).
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { bundle } from './lib/bundle.mjs'
import { isMain, packageDirs } from './lib/paths.mjs'
import { startTokenServer } from './token-source.mjs'

const memberScript = fileURLToPath(new URL('./redis-fleet-member.mjs', import.meta.url))
const STORE_KEY = 'bench fleet key, 32 bytes or more, not a secret'

/**
 * @typedef {object} RedisFleetResult
 * @property {number} processes
 * @property {number} callsPerProcess
 * @property {{ requests: number, distinctTokens: number, ms: number }} cold
 * @property {{ requests: number, distinctTokens: number, ms: number }} refresh
 * @property {string[]} events store events reported by the members (fallbacks would show here)
 * @property {{ samples: number, redis: { p50: number, p95: number }, memory: { p50: number, p95: number } }} cachedMs
 */

/**
 * Bundles the server package, its Redis entry and the tests' redis-server helper for Node, into a
 * temporary file (plain Node cannot import TypeScript). node-redis stays external (it is
 * CommonJS): the file is written under packages/server/node_modules so `redis` resolves there.
 * @returns {Promise<{ file: string, mod: any, dispose: () => Promise<void> }>}
 */
async function loadBundle() {
  const { text } = await bundle({
    contents: [
      `export * from '@oauth-connect/server'`,
      `export * from '@oauth-connect/server/redis'`,
      `export { createClient } from 'redis'`,
      `export { startRedis } from './src/redis/test/redisServer.ts'`,
    ].join('\n'),
    resolveDir: packageDirs.server,
    platform: 'node',
    minify: false,
    external: ['redis'],
  })
  const cache = join(packageDirs.server, 'node_modules', '.cache')
  await mkdir(cache, { recursive: true })
  const dir = await mkdtemp(join(cache, 'oauth-connect-bench-redis-'))
  const file = join(dir, 'server-redis.mjs')
  await writeFile(file, text)
  const mod = await import(pathToFileURL(file).href)
  return { file, mod, dispose: () => rm(dir, { recursive: true, force: true }) }
}

/**
 * Starts one fleet member and returns a line reader over its stdout.
 * @param {Record<string, string>} env
 */
function startMember(env) {
  const child = spawn(process.execPath, [memberScript], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({
    input: /** @type {import('node:stream').Readable} */ (child.stdout),
  })
  /** @type {((line: string) => void)[]} */
  const waiting = []
  lines.on('line', (line) => waiting.shift()?.(line))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  /** @returns {Promise<string>} */
  const next = () =>
    new Promise((resolve, reject) => {
      waiting.push(resolve)
      exited.then((code) => reject(new Error(`fleet member exited with ${code}`)))
    })
  return {
    next,
    /** @param {string} line */
    send: (line) => child.stdin?.write(`${line}\n`),
    stop: async () => {
      child.stdin?.end()
      child.kill('SIGTERM')
      await exited
    },
  }
}

/**
 * @param {number[]} values
 * @param {number} p
 */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

/**
 * @param {{ getToken(): Promise<unknown> }} source
 * @param {number} samples
 */
async function cachedLatency(source, samples) {
  await source.getToken()
  for (let i = 0; i < 200; i += 1) await source.getToken() // warm-up, unmeasured
  /** @type {number[]} */
  const times = []
  for (let i = 0; i < samples; i += 1) {
    const start = performance.now()
    await source.getToken()
    times.push(performance.now() - start)
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) }
}

/**
 * @param {{ processes?: number, calls?: number, samples?: number }} [options]
 * @returns {Promise<RedisFleetResult>}
 */
export async function runRedisFleet(options = {}) {
  const { processes = 8, calls = 1000, samples = 2000 } = options
  const { file, mod, dispose } = await loadBundle()
  const redis = await mod.startRedis()
  const tokenServer = await startTokenServer()
  /** @type {ReturnType<typeof startMember>[]} */
  const fleet = []
  try {
    const env = {
      BUNDLE: file,
      REDIS_URL: redis.url,
      TOKEN_ENDPOINT: tokenServer.url,
      STORE_KEY,
      CALLS: String(calls),
    }
    for (let i = 0; i < processes; i += 1) fleet.push(startMember(env))
    const ready = await Promise.all(fleet.map((m) => m.next()))
    if (!ready.every((line) => line === 'ready'))
      throw new Error(`a member did not start: ${ready}`)

    /** @param {number} offset */
    const round = async (offset) => {
      const before = tokenServer.requests()
      const start = performance.now()
      const replies = fleet.map((m) => m.next())
      for (const m of fleet) m.send(`round ${offset}`)
      const results = (await Promise.all(replies)).map(
        (line) => /** @type {{ tokens: string[], events: string[] }} */ (JSON.parse(line)),
      )
      return {
        requests: tokenServer.requests() - before,
        distinctTokens: new Set(results.flatMap((r) => r.tokens)).size,
        ms: performance.now() - start,
        events: results.flatMap((r) => r.events),
      }
    }
    const cold = await round(0)
    // Past the token's refresh time (expires_in 3600, refreshed 60 s before): every member refreshes.
    const refresh = await round(3600 * 1000)

    // Cached getToken(): through Redis (a GET and an AES-GCM decryption per call) and in memory.
    const client = mod.createClient({ url: redis.url })
    client.on('error', () => undefined)
    await client.connect()
    const credentials = {
      auth: 'client_secret_post',
      tokenEndpoint: tokenServer.url,
      clientId: 'bench-latency',
      clientSecret: 'bench-latency-secret',
    }
    const viaRedis = mod.createTokenSource({
      ...credentials,
      store: mod.createRedisTokenStore({ client, encryptionKey: STORE_KEY }),
    })
    const inMemory = mod.createTokenSource(credentials)
    const redisMs = await cachedLatency(viaRedis, samples)
    const memoryMs = await cachedLatency(inMemory, samples)
    client.destroy()

    return {
      processes,
      callsPerProcess: calls,
      cold: { requests: cold.requests, distinctTokens: cold.distinctTokens, ms: cold.ms },
      refresh: {
        requests: refresh.requests,
        distinctTokens: refresh.distinctTokens,
        ms: refresh.ms,
      },
      events: [...cold.events, ...refresh.events],
      cachedMs: { samples, redis: redisMs, memory: memoryMs },
    }
  } finally {
    await Promise.all(fleet.map((m) => m.stop()))
    await tokenServer.close()
    await redis.stop()
    await dispose()
  }
}

if (isMain(import.meta.url)) {
  console.log(JSON.stringify(await runRedisFleet(), null, 2))
}

/**
 * The BENCHMARKS.md section for this benchmark (bench/run.mjs renders it after the token source).
 * @param {{ ok: true, value: RedisFleetResult } | { ok: false, error: string }} result
 * @param {{ table: (header: readonly string[], rows: readonly (readonly (string | number)[])[]) => string, runTable: (alone: string) => string, failures: string[] }} tools
 * @returns {string[]}
 */
export function redisFleetSection(result, { table, runTable, failures }) {
  const out = [
    '## 5. Server token source through Redis',
    '',
    runTable('node bench/redis-fleet.mjs'),
    '',
  ]
  if (!result.ok) {
    failures.push(`token source through Redis: ${result.error}`)
    return [...out, `Could not run: ${result.error}`, '']
  }
  const r = result.value
  if (r.cold.requests !== 1 || r.refresh.requests !== 1) {
    failures.push(
      `token source through Redis: ${r.cold.requests} cold and ${r.refresh.requests} refresh token requests, expected 1 and 1`,
    )
  }
  const ms = (/** @type {number} */ n) => n.toFixed(3)
  return [
    ...out,
    table(
      ['measure', 'value'],
      [
        [
          `token requests made by ${r.processes} Node processes × ${r.callsPerProcess.toLocaleString('en-US')} concurrent cold \`getToken()\` calls, one Redis`,
          `${r.cold.requests} (all settled in ${r.cold.ms.toFixed(0)} ms with ${r.cold.distinctTokens} distinct token)`,
        ],
        [
          'token requests made by the same calls past the refresh time (a forced refresh)',
          `${r.refresh.requests} (all settled in ${r.refresh.ms.toFixed(0)} ms with ${r.refresh.distinctTokens} distinct token)`,
        ],
        [
          `cached \`getToken()\` through Redis, p50 / p95 (${r.cachedMs.samples.toLocaleString('en-US')} awaited calls)`,
          `${ms(r.cachedMs.redis.p50)} / ${ms(r.cachedMs.redis.p95)} ms`,
        ],
        [
          'cached `getToken()` in memory (the default store), p50 / p95, same run',
          `${ms(r.cachedMs.memory.p50)} / ${ms(r.cachedMs.memory.p95)} ms`,
        ],
        [
          'store events reported by the fleet (a fallback would show here)',
          r.events.length === 0 ? 'none' : r.events.join(', '),
        ],
      ],
    ),
    '',
    '`createTokenSource({ …, store: createRedisTokenStore({ client, encryptionKey }) })` from',
    '`@oauth-connect/server` and `@oauth-connect/server/redis` (bundled from source for Node), node-redis',
    "clients, Debian's `redis-server` on a free 127.0.0.1 port, and the node:http token endpoint of",
    'section 4. Each process is a separate `node` started by the benchmark; the refresh is forced by',
    "moving their clocks past the token's refresh time. A cached call through Redis is one `GET` and",
    'one AES-256-GCM decryption.',
    '',
  ]
}
