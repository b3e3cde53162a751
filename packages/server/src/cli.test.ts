import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { generateKeyPair, SignJWT } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startServer, type TestServer, tokenReply } from './test/httpServer.ts'

const SECRET = 'cli-s3cret-value'
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url))
const packageDir = fileURLToPath(new URL('..', import.meta.url))

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

function run(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', cli, ...args],
      {
        cwd: packageDir,
        env: {
          PATH: process.env.PATH ?? '',
          OAUTH_CONNECT_CLIENT_ID: 'medblocks-backend',
          OAUTH_CONNECT_CLIENT_SECRET: SECRET,
          ...env,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

let server: TestServer
let jwt: string

beforeEach(async () => {
  const { privateKey } = await generateKeyPair('RS256')
  jwt = await new SignJWT({ scope: 'system/*.read', client_id: 'medblocks-backend' })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' })
    .setIssuer('http://127.0.0.1:4002')
    .setAudience('http://127.0.0.1:4002/fhir')
    .setSubject('medblocks-backend')
    .setExpirationTime('1h')
    .sign(privateKey)
  server = await startServer(() => tokenReply({ access_token: jwt, expires_in: 3599 }))
})

afterEach(async () => {
  await server.close()
})

// Each case starts node with tsx; the limit is generous for a loaded machine, not a timing claim.
describe('oauth-connect-token', { timeout: 60_000 }, () => {
  it('should print the expiry and the unverified claims but not the token or secret', async () => {
    const result = await run([
      '--preset',
      'medblocks',
      '--base-url',
      server.origin,
      '--scope',
      'system/*.read',
    ])

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('token type: Bearer')
    expect(result.stdout).toMatch(/expires at: \d{4}-\d\d-\d\dT[\d:.]+Z \(in 359\d s\)/)
    expect(result.stdout).toContain('NOT verified')
    expect(result.stdout).toContain('"sub": "medblocks-backend"')
    expect(result.stdout).toContain('"typ": "at+jwt"')
    expect(result.stdout).not.toContain(jwt)
    expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET)
    const [request] = server.requests
    expect(request?.path).toBe('/oauth2/token')
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`medblocks%2Dbackend:cli%2Ds3cret%2Dvalue`).toString('base64')}`,
    )
    expect(new URLSearchParams(request?.body).get('scope')).toBe('system/*.read')
  })

  it('should print the token only with --print-token', async () => {
    const result = await run(['--preset', 'opescare', '--base-url', server.origin, '--print-token'])

    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`access token: ${jwt}`)
    expect(server.requests[0]?.path).toBe('/api/v1/connect/auth/token')
  })

  it('should say when the token is opaque', async () => {
    server.handle((request) =>
      request.path === '/.well-known/openid-configuration'
        ? { json: { issuer: server.origin, token_endpoint: `${server.origin}/oauth2/token` } }
        : tokenReply({ access_token: 'opaque-token' }),
    )

    const result = await run(['--preset', 'bwell', '--base-url', server.origin])

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('the access token is opaque')
    expect(result.stdout).not.toContain('opaque-token')
  })

  it('should exit 1 without the secret when the credentials are refused', async () => {
    server.handle(() => ({
      status: 401,
      json: { error: 'invalid_client', error_description: `unknown secret ${SECRET}` },
    }))

    const result = await run(['--preset', 'medblocks', '--base-url', server.origin])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('TokenRequestError [ERR_TOKEN_REQUEST_FAILED]')
    expect(result.stderr).toContain('invalid_client')
    expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET)
  })

  it('should exit 1 when the server is unreachable', async () => {
    const closed = await startServer(() => tokenReply())
    await closed.close()

    const result = await run(['--preset', 'opescare', '--base-url', closed.origin])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('token request failed')
  })

  it.each([
    [['--preset', 'epic', '--base-url', 'https://a.example'], {}, '--preset must be one of'],
    [['--preset', 'bwell'], {}, '--base-url is required'],
    [
      ['--preset', 'bwell', '--base-url', 'http://api.example.com'],
      {},
      'must use https: outside loopback',
    ],
    [
      ['--preset', 'bwell', '--base-url', 'https://a.example', '--bogus'],
      {},
      "Unknown option '--bogus'",
    ],
    [
      ['--preset', 'bwell', '--base-url', 'https://a.example'],
      { OAUTH_CONNECT_CLIENT_SECRET: '' },
      'OAUTH_CONNECT_CLIENT_SECRET is not set',
    ],
  ])('should exit 2 for %j', async (args, env, message) => {
    const result = await run(args, env)

    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
    expect(server.requests).toEqual([])
  })

  it('should print help and exit 0', async () => {
    const result = await run(['--help'])

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: oauth-connect-token')
    expect(result.stdout).toContain('Exit codes:')
  })
})
