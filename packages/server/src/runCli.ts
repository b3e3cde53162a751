import { parseArgs } from 'node:util'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { FetchLike } from './discovery.ts'
import {
  AccessTokenError,
  DiscoveryError,
  InsecureEndpointError,
  isOAuthConnectError,
  TokenRequestError,
  TokenResponseError,
} from './errors.ts'
import { bwell, medblocks, opescare, VENDOR_ENVIRONMENTS } from './presets.ts'
import { secretRedactor } from './redact.ts'
import { createRedisTokenStore, type RedisClientLike } from './redis/redisTokenStore.ts'
import { Secret } from './secret.ts'
import type { AccessToken, TokenSource } from './tokenSource.ts'
import type { TokenStore } from './tokenStore.ts'

/** Exit codes; documented in the README and in `--help`. */
const EXIT_OK = 0
const EXIT_TOKEN_FAILED = 1
const EXIT_USAGE = 2

const NAME = 'oauth-connect-token'
const ID_ENV = 'OAUTH_CONNECT_CLIENT_ID'
const SECRET_ENV = 'OAUTH_CONNECT_CLIENT_SECRET'
const STORE_KEY_ENV = 'OAUTH_CONNECT_TOKEN_STORE_KEY'

const environmentsHelp = Object.entries(VENDOR_ENVIRONMENTS)
  .map(([vendor, environments]) => `${vendor}: ${Object.keys(environments).join(', ')}`)
  .join('; ')

const HELP = `Usage: ${NAME} --preset bwell|medblocks|opescare (--base-url <url> | --environment <name>) [options]

Requests a client-credentials access token and prints its expiry and claims, to check
that a set of vendor credentials works. The client secret is never printed.

Options:
  --preset <name>         bwell (form body, discovery), medblocks (HTTP Basic) or
                          opescare (JSON body)
  --base-url <url>        the vendor's base URL (https:, or http: on loopback only)
  --environment <name>    a named environment instead of --base-url
                          (${environmentsHelp})
  --scope <scopes>        space-separated scopes to request
  --redis-url <url>       share the token through this Redis, as a fleet using
                          @oauth-connect/server/redis does (reads its token if there is one)
  --redis-allow-plaintext with --redis-url and no ${STORE_KEY_ENV}: store the token unencrypted
  --print-token           also print the access token itself
  -h, --help              show this help

Environment:
  ${ID_ENV}        the client id (required)
  ${SECRET_ENV}    the client secret (required)
  ${STORE_KEY_ENV}  the fleet's token store key (with --redis-url)

Exit codes:
  0  a token was issued
  1  the token request failed (network, discovery, refused credentials, bad response)
  2  usage error (unknown option, missing option or environment variable)
`

const PRESETS = { bwell, medblocks, opescare } as const
type PresetName = keyof typeof PRESETS

function isPresetName(value: unknown): value is PresetName {
  return typeof value === 'string' && Object.hasOwn(PRESETS, value)
}

/** A usage error, and the next step that fixes it. */
class UsageError extends Error {
  override name = 'UsageError'
  readonly next: string

  constructor(message: string, next = `run ${NAME} --help for usage.`) {
    super(message)
    this.next = next
  }
}

/** Where the CLI writes. */
export interface CliIo {
  out: (line: string) => void
  err: (line: string) => void
}

/** A Redis client the CLI can close again. */
export type CliRedisClient = RedisClientLike & { destroy(): void }

/** What the CLI reaches outside itself; tests inject a clock. */
export interface CliDependencies {
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number
  /** Connects to `--redis-url`. Default: node-redis `createClient({ url }).connect()`. */
  connectRedis?: (url: string) => Promise<CliRedisClient>
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        preset: { type: 'string' },
        'base-url': { type: 'string' },
        environment: { type: 'string' },
        scope: { type: 'string' },
        'redis-url': { type: 'string' },
        'redis-allow-plaintext': { type: 'boolean', default: false },
        'print-token': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (cause) {
    throw new UsageError(cause instanceof Error ? cause.message : 'invalid arguments')
  }
}

type Values = ReturnType<typeof parse>

async function defaultConnectRedis(url: string): Promise<CliRedisClient> {
  let redis: typeof import('redis')
  try {
    redis = await import('redis')
  } catch (cause) {
    throw new UsageError(
      `--redis-url needs the "redis" package, which could not be loaded (${cause instanceof Error ? cause.message : 'unknown error'})`,
      'install it beside @oauth-connect/server (npm install redis) and run again.',
    )
  }
  const client = redis.createClient({
    url,
    socket: { connectTimeout: 3_000, reconnectStrategy: false },
  })
  client.on('error', () => undefined)
  await client.connect()
  return client
}

/** The Redis URL for messages: never its user name or password. */
function redisLabel(url: string): string {
  return URL.canParse(url) ? new URL(url).host || url.replace(/\/\/[^@/]*@/, '//') : '(unparsable)'
}

function credentialsFrom(env: Readonly<Record<string, string | undefined>>) {
  const clientId = env[ID_ENV]
  const clientSecret = env[SECRET_ENV]
  if (clientId === undefined || clientId === '') {
    throw new UsageError(
      `${ID_ENV} is not set`,
      `set ${ID_ENV} to the client id the vendor issued and run again.`,
    )
  }
  if (clientSecret === undefined || clientSecret === '') {
    throw new UsageError(
      `${SECRET_ENV} is not set`,
      `set ${SECRET_ENV} to the client secret the vendor issued and run again.`,
    )
  }
  return { clientId, clientSecret }
}

function sourceFrom(
  values: Values,
  credentials: { clientId: string; clientSecret: string },
  extra: { fetch: FetchLike; now: () => number; store: TokenStore | undefined },
): TokenSource {
  const preset = values.preset
  if (!isPresetName(preset)) {
    throw new UsageError(
      '--preset must be one of bwell, medblocks, opescare',
      'pass --preset bwell, --preset medblocks or --preset opescare.',
    )
  }
  const baseUrl = values['base-url']
  const environment = values.environment
  if ((baseUrl === undefined || baseUrl === '') && environment === undefined) {
    throw new UsageError(
      '--base-url is required (or --environment)',
      `pass --base-url with the vendor's base URL, or --environment (${environmentsHelp}).`,
    )
  }
  const scope = values.scope
  const location = baseUrl !== undefined && baseUrl !== '' ? { baseUrl } : { environment }
  try {
    // The preset checks the environment name against its own list.
    const create = PRESETS[preset] as (options: unknown) => TokenSource
    return create({
      ...location,
      clientId: credentials.clientId,
      clientSecret: new Secret(credentials.clientSecret),
      fetch: extra.fetch,
      now: extra.now,
      ...(extra.store === undefined ? {} : { store: extra.store }),
      ...(scope === undefined ? {} : { scope }),
    })
  } catch (cause) {
    throw new UsageError(
      cause instanceof Error ? cause.message : 'invalid options',
      'correct the option named above and run again.',
    )
  }
}

function describeError(error: unknown): string[] {
  const lines: string[] = []
  let current: unknown = error
  // Messages only, never whole objects: a cause could hold request details.
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = isOAuthConnectError(current) ? ` [${current.code}]` : ''
    lines.push(`${depth === 0 ? '' : 'caused by: '}${current.name}${code}: ${current.message}`)
    if (current instanceof TokenRequestError && current.errorDescription !== undefined) {
      lines.push(`error_description: ${current.errorDescription}`)
    }
    current = current.cause
  }
  return lines
}

/** What to do about a failed token request: the last line the CLI prints for it. */
function nextStep(error: unknown): string {
  if (error instanceof TokenRequestError) {
    if (error.status === undefined) {
      return 'check that --base-url is right and that the server is reachable from this machine, then run again.'
    }
    if (error.error === 'invalid_client' || error.error === 'unauthorized_client') {
      return `check ${ID_ENV} and ${SECRET_ENV} against what the vendor issued, and that --preset matches how this vendor authenticates clients.`
    }
    if (error.error === 'invalid_scope') {
      return 'check --scope against the scopes this client may request (or omit --scope).'
    }
    if (error.status >= 500) {
      return 'the token endpoint failed on its side: run again later, or report it to the vendor with the output above.'
    }
    return 'check --base-url, --preset and the credentials; if they are right, report the output above to the vendor.'
  }
  if (error instanceof DiscoveryError) {
    if (error.message.includes('"issuer"')) {
      return 'pass the issuer exactly as the discovery document names it (scheme, host, port and path) as --base-url, or use --environment.'
    }
    return 'check that --base-url is the issuer and serves /.well-known/openid-configuration, then run again.'
  }
  if (error instanceof InsecureEndpointError) {
    return 'use an https: URL (http: only on loopback), or ask the vendor why it advertises an http: endpoint.'
  }
  if (error instanceof TokenResponseError) {
    return `the server's answer is not a usable token response ("${error.field}"): report the output above to the vendor.`
  }
  if (error instanceof AccessTokenError) return 'check the token with verifyAccessToken.'
  return 'run again; if it fails the same way, report the output above.'
}

function claimsOf(token: string): { header: unknown; claims: unknown } | undefined {
  try {
    return { header: decodeProtectedHeader(token), claims: decodeJwt(token) }
  } catch {
    return undefined
  }
}

// Date's own range: beyond it `new Date(ms).toISOString()` throws.
const MAX_DATE_MS = 8.64e15

function expiryLine(token: AccessToken, now: number): string {
  const { expiresAt } = token
  if (expiresAt === undefined) return 'expires at: unknown (no expires_in in the response)'
  if (!Number.isFinite(expiresAt) || Math.abs(expiresAt) > MAX_DATE_MS) {
    return 'expires at: not a valid date'
  }
  const seconds = Math.round((expiresAt - now) / 1000)
  return `expires at: ${new Date(expiresAt).toISOString()} (in ${seconds} s)`
}

/**
 * Runs the `oauth-connect-token` CLI. Every error it prints ends with a `Next step:` line.
 *
 * @param argv The arguments after the script name.
 * @param env The environment holding the client id and secret.
 * @param io Where to write output and errors; the client secret is redacted from every line.
 * @param dependencies The clock and the Redis connection, for tests.
 * @returns The exit code.
 */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
  dependencies: CliDependencies = {},
): Promise<number> {
  const now = dependencies.now ?? Date.now
  const secret = env[SECRET_ENV]
  const redact =
    secret === undefined || secret === ''
      ? (line: string) => line
      : secretRedactor(secret, env[ID_ENV] ?? '')
  const out = (line: string) => io.out(redact(line))
  const err = (line: string) => io.err(redact(line))

  let redisClient: CliRedisClient | undefined
  try {
    let source: TokenSource
    let printToken: boolean
    let tokenRequests = 0
    let redisStatus: 'none' | 'shared' | 'fallback' = 'none'
    try {
      const values = parse(argv)
      if (values.help) {
        out(HELP)
        return EXIT_OK
      }
      printToken = values['print-token']
      const credentials = credentialsFrom(env)
      let store: TokenStore | undefined
      const redisUrl = values['redis-url']
      if (redisUrl !== undefined) {
        const key = env[STORE_KEY_ENV]
        const plaintext = values['redis-allow-plaintext']
        if ((key === undefined || key === '') && !plaintext) {
          throw new UsageError(
            `--redis-url needs ${STORE_KEY_ENV} (the fleet's token store key) or --redis-allow-plaintext`,
            `set ${STORE_KEY_ENV} to the key your fleet passes as encryptionKey, or add --redis-allow-plaintext if it stores tokens unencrypted.`,
          )
        }
        if (!URL.canParse(redisUrl) || !/^rediss?:$/.test(new URL(redisUrl).protocol)) {
          throw new UsageError(
            '--redis-url must be a redis:// or rediss:// URL',
            'pass --redis-url redis://host:6379 (or rediss:// for TLS).',
          )
        }
        try {
          redisClient = await (dependencies.connectRedis ?? defaultConnectRedis)(redisUrl)
          redisStatus = 'shared'
        } catch (cause) {
          if (cause instanceof UsageError) throw cause
          redisStatus = 'fallback'
          err(
            `${NAME}: warning: Redis at ${redisLabel(redisUrl)} is unreachable (${cause instanceof Error ? cause.message : 'unknown error'}); the token is requested without it.`,
          )
          err('Next step: check --redis-url and that Redis is running and reachable from here.')
        }
        if (redisClient !== undefined) {
          const common = {
            client: redisClient,
            now,
            onEvent: (event: { type: string }) => {
              if (event.type === 'fallback') redisStatus = 'fallback'
              if (event.type === 'invalid-entry') {
                err(`${NAME}: note: an unreadable entry in Redis was ignored and will be replaced.`)
              }
            },
          }
          store =
            key !== undefined && key !== ''
              ? createRedisTokenStore({ ...common, encryptionKey: key })
              : createRedisTokenStore({ ...common, allowPlaintext: true })
        }
      }
      const countingFetch: FetchLike = (input, init) => {
        if ((init?.method ?? (input instanceof Request ? input.method : 'GET')) === 'POST') {
          tokenRequests += 1
        }
        return fetch(input, init)
      }
      source = sourceFrom(values, credentials, { fetch: countingFetch, now, store })
    } catch (error) {
      if (!(error instanceof UsageError)) throw error
      err(`${NAME}: ${error.message}`)
      err(`Next step: ${error.next}`)
      return EXIT_USAGE
    }

    let token: AccessToken
    try {
      token = await source.getToken()
    } catch (error) {
      err(`${NAME}: the token request failed`)
      for (const line of describeError(error)) err(line)
      err(`Next step: ${nextStep(error)}`)
      return EXIT_TOKEN_FAILED
    }

    out(`token type: ${token.tokenType}`)
    out(`scope: ${token.scope ?? '(none reported)'}`)
    out(expiryLine(token, now()))
    if (redisStatus === 'shared') {
      out(
        tokenRequests === 0
          ? 'shared store: the token was read from Redis (no token request was made)'
          : 'shared store: no token in Redis; one was requested and stored there',
      )
    } else if (redisStatus === 'fallback' && redisClient !== undefined) {
      err(`${NAME}: warning: Redis failed during the run; the token was handled in-process.`)
      err('Next step: check --redis-url and that Redis is running and reachable from here.')
    }
    const decoded = claimsOf(token.accessToken)
    if (decoded === undefined) {
      out('claims: none, the access token is opaque (not a JWT)')
    } else {
      out('header and claims (decoded only, NOT verified; use verifyAccessToken to verify):')
      out(JSON.stringify(decoded, null, 2))
    }
    if (printToken) out(`access token: ${token.accessToken}`)
    return EXIT_OK
  } finally {
    redisClient?.destroy()
  }
}
