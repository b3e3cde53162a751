// One process of the Redis fleet benchmark (bench/redis-fleet.mjs starts 8 of these). It loads the
// bundle named by BUNDLE, prints `ready`, then for each `round <clockOffsetMs>` line on stdin makes
// CALLS concurrent cold getToken() calls and prints one JSON line: the distinct tokens it got.
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'

const env = (/** @type {string} */ name) => {
  const value = process.env[name]
  if (value === undefined || value === '') throw new Error(`${name} is not set`)
  return value
}

/** @type {any} */
const mod = await import(pathToFileURL(env('BUNDLE')).href)
const client = mod.createClient({ url: env('REDIS_URL') })
client.on('error', () => undefined)
await client.connect()
let offset = 0
const now = () => Date.now() + offset
/** @type {string[]} */
const events = []
const source = mod.createTokenSource({
  auth: 'client_secret_post',
  tokenEndpoint: env('TOKEN_ENDPOINT'),
  clientId: 'bench-fleet',
  clientSecret: 'bench-fleet-secret',
  now,
  store: mod.createRedisTokenStore({
    client,
    encryptionKey: env('STORE_KEY'),
    now,
    // Eight processes on a small machine: do not mistake a busy CPU for a slow Redis.
    commandTimeoutMs: 5_000,
    onEvent: (/** @type {{ type: string }} */ event) => events.push(event.type),
  }),
})
const calls = Number(env('CALLS'))

process.stdout.write('ready\n')
for await (const line of createInterface({ input: process.stdin })) {
  const [command, value] = line.split(' ')
  if (command !== 'round') break
  offset = Number(value)
  const tokens = await Promise.all(Array.from({ length: calls }, () => source.getToken()))
  const distinct = [
    ...new Set(tokens.map((/** @type {{ accessToken: string }} */ t) => t.accessToken)),
  ]
  process.stdout.write(`${JSON.stringify({ tokens: distinct, events: events.splice(0) })}\n`)
}
client.destroy()
