#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { isOAuthConnectError, TokenRequestError } from './errors.ts'
import { bwell, medblocks, opescare } from './presets.ts'
import { Secret } from './secret.ts'
import type { TokenSource } from './tokenSource.ts'

/** Exit codes; documented in the README and in `--help`. */
const EXIT_OK = 0
const EXIT_TOKEN_FAILED = 1
const EXIT_USAGE = 2

const ID_ENV = 'OAUTH_CONNECT_CLIENT_ID'
const SECRET_ENV = 'OAUTH_CONNECT_CLIENT_SECRET'

const HELP = `Usage: oauth-connect-token --preset bwell|medblocks|opescare --base-url <url> [options]

Requests a client-credentials access token and prints its expiry and claims, to check
that a set of vendor credentials works. The client secret is never printed.

Options:
  --preset <name>    bwell (form body, discovery), medblocks (HTTP Basic) or
                     opescare (JSON body)
  --base-url <url>   the vendor's base URL (https:, or http: on loopback only)
  --scope <scopes>   space-separated scopes to request
  --print-token      also print the access token itself
  -h, --help         show this help

Environment:
  ${ID_ENV}      the client id (required)
  ${SECRET_ENV}  the client secret (required)

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

class UsageError extends Error {
  override name = 'UsageError'
}

interface Io {
  out: (line: string) => void
  err: (line: string) => void
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        preset: { type: 'string' },
        'base-url': { type: 'string' },
        scope: { type: 'string' },
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

function sourceFrom(
  values: ReturnType<typeof parse>,
  env: Readonly<Record<string, string | undefined>>,
): TokenSource {
  const preset = values.preset
  if (!isPresetName(preset)) {
    throw new UsageError('--preset must be one of bwell, medblocks, opescare')
  }
  const baseUrl = values['base-url']
  if (baseUrl === undefined || baseUrl === '') throw new UsageError('--base-url is required')
  const clientId = env[ID_ENV]
  const clientSecret = env[SECRET_ENV]
  if (clientId === undefined || clientId === '') throw new UsageError(`${ID_ENV} is not set`)
  if (clientSecret === undefined || clientSecret === '') {
    throw new UsageError(`${SECRET_ENV} is not set`)
  }
  const scope = values.scope
  try {
    return PRESETS[preset]({
      baseUrl,
      clientId,
      clientSecret: new Secret(clientSecret),
      ...(scope === undefined ? {} : { scope }),
    })
  } catch (cause) {
    throw new UsageError(cause instanceof Error ? cause.message : 'invalid options')
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

function claimsOf(token: string): { header: unknown; claims: unknown } | undefined {
  try {
    return { header: decodeProtectedHeader(token), claims: decodeJwt(token) }
  } catch {
    return undefined
  }
}

/**
 * Runs the CLI.
 *
 * @param argv The arguments after the script name.
 * @param env The environment holding the client id and secret.
 * @param io Where to write output and errors.
 * @returns The exit code.
 */
async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: Io,
): Promise<number> {
  let source: TokenSource
  let printToken: boolean
  try {
    const values = parse(argv)
    if (values.help) {
      io.out(HELP)
      return EXIT_OK
    }
    printToken = values['print-token']
    source = sourceFrom(values, env)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.err(`oauth-connect-token: ${error.message}`)
    io.err('Run oauth-connect-token --help for usage.')
    return EXIT_USAGE
  }

  let token: Awaited<ReturnType<TokenSource['getToken']>>
  try {
    token = await source.getToken()
  } catch (error) {
    io.err('oauth-connect-token: the token request failed')
    for (const line of describeError(error)) io.err(line)
    return EXIT_TOKEN_FAILED
  }

  io.out(`token type: ${token.tokenType}`)
  io.out(`scope: ${token.scope ?? '(none reported)'}`)
  if (token.expiresAt === undefined) {
    io.out('expires at: unknown (no expires_in in the response)')
  } else {
    const seconds = Math.round((token.expiresAt - Date.now()) / 1000)
    io.out(`expires at: ${new Date(token.expiresAt).toISOString()} (in ${seconds} s)`)
  }
  const decoded = claimsOf(token.accessToken)
  if (decoded === undefined) {
    io.out('claims: none, the access token is opaque (not a JWT)')
  } else {
    io.out('header and claims (decoded only, NOT verified; use verifyAccessToken to verify):')
    io.out(JSON.stringify(decoded, null, 2))
  }
  if (printToken) io.out(`access token: ${token.accessToken}`)
  return EXIT_OK
}

process.exitCode = await main(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
})
