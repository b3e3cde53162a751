import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { generateKeyPair, SignJWT } from 'jose'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type RedisServer, startRedis } from './redis/test/redisServer.ts'
import { runCli } from './runCli.ts'
import { startServer, type TestServer, tokenReply } from './test/httpServer.ts'
import { secretForms } from './test/secretForms.ts'

const SECRET = 'cli-s3cret/välue'
const CLIENT_ID = 'medblocks-backend'
const NOW = Date.UTC(2026, 0, 1)
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url))
const packageDir = fileURLToPath(new URL('..', import.meta.url))

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** The last line written to stderr. */
  readonly lastError: string
}

const baseEnv = { OAUTH_CONNECT_CLIENT_ID: CLIENT_ID, OAUTH_CONNECT_CLIENT_SECRET: SECRET }

/** Runs the CLI in this process, with a fixed clock. */
async function run(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(
    args,
    { ...baseEnv, ...env },
    { out: (line) => out.push(line), err: (line) => err.push(line) },
    { now: () => NOW },
  )
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), lastError: err.at(-1) ?? '' }
}

/** Runs the real bin in a child process (tsx), for the exit code and the streams. */
function spawnCli(args: readonly string[]): Promise<Omit<Run, 'lastError'>> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', cli, ...args],
      {
        cwd: packageDir,
        env: { PATH: process.env.PATH ?? '', ...baseEnv },
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
  jwt = await new SignJWT({ scope: 'system/*.read', client_id: CLIENT_ID })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' })
    .setIssuer('http://127.0.0.1:4002')
    .setAudience('http://127.0.0.1:4002/fhir')
    .setSubject(CLIENT_ID)
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 3600)
    .sign(privateKey)
  server = await startServer(() => tokenReply({ access_token: jwt, expires_in: 3599 }))
})

afterEach(async () => {
  await server.close()
})

describe('oauth-connect-token', () => {
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
    expect(result.stdout).toContain('expires at: 2026-01-01T00:59:59.000Z (in 3599 s)')
    expect(result.stdout).toContain('NOT verified')
    expect(result.stdout).toContain(`"sub": "${CLIENT_ID}"`)
    expect(result.stdout).toContain('"typ": "at+jwt"')
    expect(result.stdout).not.toContain(jwt)
    for (const form of secretForms(SECRET, CLIENT_ID))
      expect(`${result.stdout}${result.stderr}`).not.toContain(form)
    const [request] = server.requests
    expect(request?.path).toBe('/oauth2/token')
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from('medblocks%2Dbackend:cli%2Ds3cret%2Fv%C3%A4lue').toString('base64')}`,
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

  it('[SEC-34] should print a clamped expiry for an absurd expires_in instead of crashing', async () => {
    server.handle(() => tokenReply({ access_token: 'opaque', expires_in: 1e300 }))

    const result = await run(['--preset', 'opescare', '--base-url', server.origin])

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('expires at: 2027-01-01T00:00:00.000Z (in 31536000 s)')
  })

  it('[SEC-33] should print no form of the secret when the token endpoint echoes it', async () => {
    for (const preset of ['medblocks', 'opescare', 'bwell']) {
      for (const echoed of secretForms(SECRET, CLIENT_ID)) {
        server.handle((request) =>
          request.path === '/.well-known/openid-configuration'
            ? { json: { issuer: server.origin, token_endpoint: `${server.origin}/oauth2/token` } }
            : {
                status: 401,
                json: {
                  error: echoed,
                  error_description: `unknown secret ${echoed}`,
                  error_uri: `https://as.example/?${echoed}`,
                  hint: echoed,
                },
              },
        )

        const result = await run(['--preset', preset, '--base-url', server.origin])

        expect(result.code).toBe(1)
        expect(result.stderr).toContain('TokenRequestError [ERR_TOKEN_REQUEST_FAILED]')
        for (const form of secretForms(SECRET, CLIENT_ID)) {
          expect(`${result.stdout}${result.stderr}`).not.toContain(form)
        }
      }
    }
  })

  describe('next steps', () => {
    it('should end a refused-credentials error with what to check', async () => {
      server.handle(() => ({
        status: 401,
        json: { error: 'invalid_client', error_description: `unknown secret ${SECRET}` },
      }))

      const result = await run(['--preset', 'medblocks', '--base-url', server.origin])

      expect(result.code).toBe(1)
      expect(result.stderr).toContain('invalid_client')
      expect(result.lastError).toBe(
        'Next step: check OAUTH_CONNECT_CLIENT_ID and OAUTH_CONNECT_CLIENT_SECRET against what the vendor issued, and that --preset matches how this vendor authenticates clients.',
      )
    })

    it('should end a network failure with what to check', async () => {
      const closed = await startServer(() => tokenReply())
      await closed.close()

      const result = await run(['--preset', 'opescare', '--base-url', closed.origin])

      expect(result.code).toBe(1)
      expect(result.stderr).toContain('token request failed')
      expect(result.lastError).toBe(
        'Next step: check that --base-url is right and that the server is reachable from this machine, then run again.',
      )
    })

    it.each([
      ['a 500', () => ({ status: 500 }), 'the token endpoint failed on its side'],
      ['invalid_scope', () => ({ status: 400, json: { error: 'invalid_scope' } }), 'check --scope'],
      ['a 404', () => ({ status: 404 }), 'check --base-url, --preset and the credentials'],
      ['a bad token response', () => tokenReply({ token_type: 'mac' }), '("token_type")'],
    ])('should end %s with a next step', async (_, reply, step) => {
      server.handle(reply)

      const result = await run(['--preset', 'medblocks', '--base-url', server.origin])

      expect(result.code).toBe(1)
      expect(result.lastError).toMatch(/^Next step: /)
      expect(result.lastError).toContain(step)
    })

    it.each([
      [
        'an issuer mismatch',
        () => ({
          json: { issuer: 'https://other.example', token_endpoint: 'https://other.example/t' },
        }),
        'pass the issuer exactly as the discovery document names it',
      ],
      ['a failed discovery', () => ({ status: 404 }), 'serves /.well-known/openid-configuration'],
      [
        'an http: token endpoint',
        () => ({ json: { issuer: server.origin, token_endpoint: 'http://example.com/token' } }),
        'use an https: URL',
      ],
    ])('should end %s in discovery with a next step', async (_, reply, step) => {
      server.handle(reply)

      const result = await run(['--preset', 'bwell', '--base-url', server.origin])

      expect(result.code).toBe(1)
      expect(result.lastError).toMatch(/^Next step: /)
      expect(result.lastError).toContain(step)
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
      [
        ['--preset', 'bwell', '--base-url', 'https://a.example'],
        { OAUTH_CONNECT_CLIENT_ID: '' },
        'OAUTH_CONNECT_CLIENT_ID is not set',
      ],
      [
        ['--preset', 'opescare', '--environment', 'production'],
        {},
        '"environment" must be "local"; pass "baseUrl" for other hosts',
      ],
      [
        ['--preset', 'bwell', '--base-url', 'https://a.example', '--redis-url', 'redis://r:6379'],
        {},
        '--redis-url needs OAUTH_CONNECT_TOKEN_STORE_KEY',
      ],
      [
        ['--preset', 'bwell', '--base-url', 'https://a.example', '--redis-url', 'http://r'],
        { OAUTH_CONNECT_TOKEN_STORE_KEY: 'k'.repeat(32) },
        '--redis-url must be a redis:// or rediss:// URL',
      ],
    ])('should exit 2 for %j and end with a next step', async (args, env, message) => {
      const result = await run(args, env)

      expect(result.code).toBe(2)
      expect(result.stderr).toContain(message)
      expect(result.lastError).toMatch(/^Next step: \S.+\.$/)
      expect(server.requests).toEqual([])
    })
  })

  describe('--redis-url', () => {
    let redis: RedisServer
    const storeKey = { OAUTH_CONNECT_TOKEN_STORE_KEY: 'a fleet key that is 32 bytes long!' }

    beforeAll(async () => {
      redis = await startRedis()
    })

    afterAll(async () => {
      await redis?.stop()
    })

    it('should store the token in Redis, then read it from there', async () => {
      const args = ['--preset', 'medblocks', '--base-url', server.origin, '--redis-url', redis.url]

      const first = await run(args, storeKey)
      const second = await run(args, storeKey)

      expect(first.code).toBe(0)
      expect(first.stdout).toContain(
        'shared store: no token in Redis; one was requested and stored there',
      )
      expect(second.code).toBe(0)
      expect(second.stdout).toContain(
        'shared store: the token was read from Redis (no token request was made)',
      )
      expect(second.stdout).toContain('expires at: 2026-01-01T00:59:59.000Z (in 3599 s)')
      expect(server.requestsTo('/oauth2/token')).toHaveLength(1)
    })

    it('should still issue a token when Redis is unreachable, and say what to check', async () => {
      const closed = await startServer(() => tokenReply())
      await closed.close()
      const url = `redis://user:redis-passw0rd@127.0.0.1:${new URL(closed.origin).port}`

      const result = await run(
        ['--preset', 'medblocks', '--base-url', server.origin, '--redis-url', url],
        storeKey,
      )

      expect(result.code).toBe(0)
      expect(result.stdout).toContain('token type: Bearer')
      expect(result.stderr).toContain('is unreachable')
      expect(result.stderr).not.toContain('redis-passw0rd')
      expect(result.lastError).toBe(
        'Next step: check --redis-url and that Redis is running and reachable from here.',
      )
    })
  })

  // The bin itself: started with tsx in a child process; the limit is for a loaded machine.
  describe('the bin', { timeout: 60_000 }, () => {
    it('should exit 0 and print to stdout', async () => {
      const result = await spawnCli(['--preset', 'medblocks', '--base-url', server.origin])

      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/expires at: \d{4}-\d\d-\d\dT[\d:.]+Z \(in -?\d+ s\)/)
      expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET)
    })

    it('should exit 2 with the next step on stderr', async () => {
      const result = await spawnCli(['--preset', 'epic'])

      expect(result.code).toBe(2)
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^Next step: /)
    })

    it('should print help and exit 0', async () => {
      const result = await spawnCli(['--help'])

      expect(result.code).toBe(0)
      expect(result.stdout).toContain('Usage: oauth-connect-token')
      expect(result.stdout).toContain('Exit codes:')
    })
  })
})
