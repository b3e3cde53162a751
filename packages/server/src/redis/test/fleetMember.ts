// One process of a fleet, for the multi-process tests: a Redis client, a Redis token store and a
// token source, configured from the environment. It prints `ready`, waits for a line on stdin,
// makes CALLS concurrent getToken() calls, prints one JSON line with the distinct tokens, exits.
import { createInterface } from 'node:readline'
import { createClient } from 'redis'
import { createTokenSource } from '../../tokenSource.ts'
import { createRedisTokenStore } from '../redisTokenStore.ts'

function required(name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') throw new Error(`${name} is not set`)
  return value
}

const client = createClient({ url: required('REDIS_URL') })
client.on('error', () => undefined)
await client.connect()
const events: string[] = []
const store = createRedisTokenStore({
  client,
  encryptionKey: required('STORE_KEY'),
  lockTtlMs: Number(process.env.LOCK_TTL_MS ?? 10_000),
  lockPollMs: 5,
  commandTimeoutMs: 5_000,
  onEvent: (event) => events.push(event.type),
})
const source = createTokenSource({
  auth: 'client_secret_post',
  tokenEndpoint: required('TOKEN_ENDPOINT'),
  clientId: 'fleet',
  clientSecret: required('CLIENT_SECRET'),
  store,
})

process.stdout.write('ready\n')
const lines = createInterface({ input: process.stdin })
for await (const _ of lines) break
const calls = Number(process.env.CALLS ?? 100)
const tokens = await Promise.all(Array.from({ length: calls }, () => source.getToken()))
process.stdout.write(
  `${JSON.stringify({ tokens: [...new Set(tokens.map((t) => t.accessToken))], events })}\n`,
)
client.destroy()
