import { inspect } from 'node:util'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  DiscoveryError,
  InsecureEndpointError,
  InvalidArgumentError,
  TokenRequestError,
  TokenResponseError,
} from './errors.ts'
import { Secret } from './secret.ts'
import { startServer, type TestServer, tokenReply } from './test/httpServer.ts'
import { secretForms } from './test/secretForms.ts'
import {
  createTokenSource,
  DEFAULT_TOKEN_REUSE_SECONDS,
  MAX_EXPIRES_IN_SECONDS,
  MIN_TOKEN_REUSE_SECONDS,
  type TokenSourceOptions,
} from './tokenSource.ts'

const SECRET = 'se:cret/ä~ +s3cr3t'
const START = Date.UTC(2026, 0, 1)

let server: TestServer
let clock: number
const now = () => clock

beforeEach(async () => {
  clock = START
  server = await startServer(() => tokenReply())
})

afterEach(async () => {
  await server.close()
})

function source(overrides: Partial<TokenSourceOptions> = {}) {
  const location = 'issuer' in overrides ? {} : { tokenEndpoint: `${server.origin}/oauth2/token` }
  return createTokenSource({
    auth: 'client_secret_post',
    ...location,
    clientId: 'my client:1',
    clientSecret: SECRET,
    now,
    ...overrides,
  } as TokenSourceOptions)
}

const tokenRequests = () => server.requestsTo('/oauth2/token')

describe('createTokenSource', () => {
  describe('client authentication', () => {
    it('[SEC-23] should send client_secret_basic with form-encoded id and secret and nothing in the body', async () => {
      const token = await source({ auth: 'client_secret_basic', scope: 'a b' }).getToken()

      expect(token).toEqual({
        accessToken: 'at-1',
        tokenType: 'Bearer',
        expiresAt: START + 3_600_000,
        scope: 'a b',
      })
      const [request, ...rest] = tokenRequests()
      expect(rest).toEqual([])
      expect(request?.method).toBe('POST')
      // RFC 6749 §2.3.1: application/x-www-form-urlencoded each part, then Base64.
      const expected = Buffer.from('my+client%3A1:se%3Acret%2F%C3%A4%7E+%2Bs3cr3t').toString(
        'base64',
      )
      expect(request?.headers.authorization).toBe(`Basic ${expected}`)
      expect(request?.headers['content-type']).toBe(
        'application/x-www-form-urlencoded;charset=UTF-8',
      )
      expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
        grant_type: 'client_credentials',
        scope: 'a b',
      })
    })

    it('[SEC-23] should send client_secret_post in the form body and no Authorization header', async () => {
      await source({ auth: 'client_secret_post', scope: 'system/*.read' }).getToken()

      const [request] = tokenRequests()
      expect(request?.headers.authorization).toBeUndefined()
      expect(request?.headers['content-type']).toBe(
        'application/x-www-form-urlencoded;charset=UTF-8',
      )
      expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
        grant_type: 'client_credentials',
        client_id: 'my client:1',
        client_secret: SECRET,
        scope: 'system/*.read',
      })
    })

    it('[SEC-23] should send a JSON body only when json_body is chosen', async () => {
      await source({ auth: 'json_body', scope: 'patients:read' }).getToken()
      await source({ auth: 'client_secret_post' }).getToken()
      await source({ auth: 'client_secret_basic' }).getToken()

      const [json, post, basic] = tokenRequests()
      expect(json?.headers.authorization).toBeUndefined()
      expect(json?.headers['content-type']).toBe('application/json')
      expect(JSON.parse(json?.body ?? '')).toEqual({
        grant_type: 'client_credentials',
        client_id: 'my client:1',
        client_secret: SECRET,
        scope: 'patients:read',
      })
      for (const request of [post, basic]) {
        expect(request?.headers['content-type']).not.toContain('json')
        expect(request?.body.startsWith('{')).toBe(false)
      }
    })

    it('[SEC-23] should omit scope from the request when none is configured', async () => {
      const token = await source({ auth: 'client_secret_basic' }).getToken()

      expect(new URLSearchParams(tokenRequests()[0]?.body).has('scope')).toBe(false)
      expect(token.scope).toBeUndefined()
    })

    it.each([
      'http://example.com/oauth2/token',
      'http://127.0.0.1.example.com/oauth2/token',
      'http://localhost.example.com/token',
      'http://[::2]/token',
      'ftp://127.0.0.1/token',
      'file:///etc/passwd',
    ])('[SEC-23] should refuse the token endpoint %s before any request', (endpoint) => {
      const fetchSpy = vi.fn(fetch)

      expect(() => source({ tokenEndpoint: endpoint, fetch: fetchSpy })).toThrow(
        InsecureEndpointError,
      )
      expect(fetchSpy).not.toHaveBeenCalled()
    })

    it.each([
      'http://127.0.0.1:9/token',
      'http://127.8.9.10/token',
      'http://localhost:9/token',
      'http://[::1]:9/token',
      'https://example.com/token',
    ])('[SEC-23] should accept the token endpoint %s', (endpoint) => {
      expect(() => source({ tokenEndpoint: endpoint })).not.toThrow()
    })

    it('[SEC-23] should refuse a discovered http: token endpoint outside loopback', async () => {
      server.handle(() => ({
        json: { issuer: server.origin, token_endpoint: 'http://example.com/oauth2/token' },
      }))
      const fetchSpy = vi.fn(fetch)

      const error = await source({ issuer: server.origin, fetch: fetchSpy })
        .getToken()
        .catch((e: unknown) => e)

      expect(error).toBeInstanceOf(InsecureEndpointError)
      expect(error).toMatchObject({ code: 'ERR_INSECURE_ENDPOINT', field: 'token_endpoint' })
      expect(fetchSpy).toHaveBeenCalledTimes(1)
    })
  })

  describe('discovery', () => {
    const discoveryPath = '/.well-known/openid-configuration'

    it('[SEC-25] should use the discovered token endpoint when the issuer matches', async () => {
      server.handle((request) =>
        request.path === discoveryPath
          ? { json: { issuer: server.origin, token_endpoint: `${server.origin}/oauth2/token` } }
          : tokenReply(),
      )
      const tokens = source({ issuer: server.origin })

      await tokens.getToken()
      tokens.invalidate()
      await tokens.getToken()

      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `GET ${discoveryPath}`,
        'POST /oauth2/token',
        'POST /oauth2/token',
      ])
    })

    it.each([
      [
        'a differing issuer',
        () => ({
          json: { issuer: 'http://127.0.0.1:1', token_endpoint: `${server.origin}/oauth2/token` },
        }),
        'discovery "issuer" does not match the configured issuer',
      ],
      [
        'an issuer with another path',
        () => ({
          json: {
            issuer: `${server.origin}/tenant`,
            token_endpoint: `${server.origin}/oauth2/token`,
          },
        }),
        'discovery "issuer" does not match the configured issuer',
      ],
      [
        'a missing issuer',
        () => ({ json: { token_endpoint: `${server.origin}/oauth2/token` } }),
        'discovery "body" must be a JSON object with a string "issuer"',
      ],
      [
        'a 404',
        () => ({ status: 404, json: { issuer: server.origin } }),
        'discovery answered HTTP 404, expected 200',
      ],
      [
        'a 302',
        () => ({ status: 302, headers: { location: 'https://example.com/' } }),
        'discovery answered HTTP 302, expected 200',
      ],
      [
        'a non-JSON body',
        () => ({ body: '<html>', headers: { 'content-type': 'text/html' } }),
        'discovery "body" is not valid JSON',
      ],
      [
        'a JSON array',
        () => ({ json: [{ issuer: server.origin }] }),
        'discovery "body" must be a JSON object with a string "issuer"',
      ],
      [
        'JSON null',
        () => ({ json: null, body: 'null', headers: { 'content-type': 'application/json' } }),
        'discovery "body" must be a JSON object with a string "issuer"',
      ],
      [
        'a missing token_endpoint',
        () => ({ json: { issuer: server.origin } }),
        'discovery "token_endpoint" must be an absolute URL',
      ],
    ])('[SEC-25] should reject %s without requesting a token', async (_, reply, message) => {
      server.handle(reply)

      const error = await source({ issuer: server.origin })
        .getToken()
        .catch((e: unknown) => e)

      expect(error).toBeInstanceOf(DiscoveryError)
      expect(error).toMatchObject({ name: 'DiscoveryError', code: 'ERR_DISCOVERY_FAILED', message })
      expect(tokenRequests()).toEqual([])
    })

    it('[SEC-25] should not cache a failed discovery', async () => {
      server.handle(() => ({ status: 503 }))
      const tokens = source({ issuer: server.origin })
      await expect(tokens.getToken()).rejects.toThrow(DiscoveryError)

      server.handle((request) =>
        request.path === discoveryPath
          ? { json: { issuer: server.origin, token_endpoint: `${server.origin}/oauth2/token` } }
          : tokenReply(),
      )

      await expect(tokens.getToken()).resolves.toMatchObject({ accessToken: 'at-1' })
    })

    it('should keep a network failure as the cause', async () => {
      const closed = await startServer(() => tokenReply())
      await closed.close()

      const error = await source({ issuer: closed.origin })
        .getToken()
        .catch((e: unknown) => e)

      expect(error).toMatchObject({
        code: 'ERR_DISCOVERY_FAILED',
        message: 'discovery request failed',
      })
      expect((error as Error).cause).toBeInstanceOf(Error)
    })
  })

  describe('token cache', () => {
    it('[SEC-24] should make no request before exp - 60 s and one at exp - 60 s', async () => {
      const tokens = source()
      await tokens.getToken()

      clock = START + (3600 - 60) * 1000 - 1
      await tokens.getToken()
      expect(tokenRequests()).toHaveLength(1)

      server.handle(() => tokenReply({ access_token: 'at-2' }))
      clock = START + (3600 - 60) * 1000
      await expect(tokens.getToken()).resolves.toMatchObject({ accessToken: 'at-2' })
      await tokens.getToken()
      expect(tokenRequests()).toHaveLength(2)
    })

    it('[SEC-24] should honour refreshSkewSeconds', async () => {
      const tokens = source({ refreshSkewSeconds: 300 })
      await tokens.getToken()

      clock = START + (3600 - 300) * 1000 - 1
      await tokens.getToken()
      expect(tokenRequests()).toHaveLength(1)
      clock = START + (3600 - 300) * 1000
      await tokens.getToken()
      expect(tokenRequests()).toHaveLength(2)
    })

    it('[SEC-24] should make one request for 10 000 concurrent callers', async () => {
      const tokens = source()

      const results = await Promise.all(Array.from({ length: 10_000 }, () => tokens.getToken()))

      expect(tokenRequests()).toHaveLength(1)
      expect(new Set(results).size).toBe(1)
    })

    it('[SEC-24] should make one refresh for 10 000 concurrent callers at expiry', async () => {
      const tokens = source()
      await tokens.getToken()
      clock = START + 3600 * 1000

      await Promise.all(Array.from({ length: 10_000 }, () => tokens.getToken()))

      expect(tokenRequests()).toHaveLength(2)
    })

    it('[SEC-24] should not cache a failure', async () => {
      server.handle(() => ({ status: 500, json: { error: 'server_error' } }))
      const tokens = source()
      const waiting = Array.from({ length: 100 }, () => tokens.getToken())

      for (const result of await Promise.allSettled(waiting)) {
        expect(result.status).toBe('rejected')
      }
      expect(tokenRequests()).toHaveLength(1)

      server.handle(() => tokenReply())
      await expect(tokens.getToken()).resolves.toMatchObject({ accessToken: 'at-1' })
      expect(tokenRequests()).toHaveLength(2)
    })

    it('[SEC-24] should not cache an invalid token response', async () => {
      server.handle(() => tokenReply({ token_type: 'mac' }))
      const tokens = source()
      await expect(tokens.getToken()).rejects.toThrow(TokenResponseError)

      server.handle(() => tokenReply())
      await expect(tokens.getToken()).resolves.toMatchObject({ accessToken: 'at-1' })
    })

    it.each([0, 1, 5, 60])(
      '[SEC-24] should not storm the server when expires_in is %i',
      async (expiresIn) => {
        server.handle(() => tokenReply({ expires_in: expiresIn }))
        const tokens = source()

        for (let i = 0; i < 200; i++) await tokens.getToken()
        clock = START + MIN_TOKEN_REUSE_SECONDS * 1000 - 1
        for (let i = 0; i < 200; i++) await tokens.getToken()
        expect(tokenRequests()).toHaveLength(1)

        clock = START + MIN_TOKEN_REUSE_SECONDS * 1000
        await tokens.getToken()
        expect(tokenRequests()).toHaveLength(2)
      },
    )

    it('[SEC-24] should not storm the server when expires_in is missing', async () => {
      server.handle(() => tokenReply({ expires_in: undefined }))
      const tokens = source()

      const token = await tokens.getToken()
      expect(token.expiresAt).toBeUndefined()
      clock = START + DEFAULT_TOKEN_REUSE_SECONDS * 1000 - 1
      for (let i = 0; i < 200; i++) await tokens.getToken()
      expect(tokenRequests()).toHaveLength(1)

      clock = START + DEFAULT_TOKEN_REUSE_SECONDS * 1000
      await tokens.getToken()
      expect(tokenRequests()).toHaveLength(2)
    })

    it('should request a new token after invalidate()', async () => {
      const tokens = source()
      await tokens.getToken()
      tokens.invalidate()
      await tokens.getToken()

      expect(tokenRequests()).toHaveLength(2)
    })

    it('should report the granted scope over the requested one', async () => {
      server.handle(() => tokenReply({ scope: 'patients:read' }))

      const token = await source({ scope: 'patients:read consents:read' }).getToken()

      expect(token.scope).toBe('patients:read')
    })
  })

  describe('token response validation', () => {
    it.each([
      ['{"', 'body', 'token response "body" is not valid JSON'],
      ['null', 'body', 'token response "body" must be a JSON object'],
      ['[]', 'body', 'token response "body" must be a JSON object'],
      ['"at"', 'body', 'token response "body" must be a JSON object'],
      [
        '{}',
        'access_token',
        'token response "access_token" must be a non-empty string of visible ascii characters',
      ],
      [
        '{"access_token":42,"token_type":"Bearer"}',
        'access_token',
        'token response "access_token" must be a non-empty string of visible ascii characters',
      ],
      [
        '{"access_token":"","token_type":"Bearer"}',
        'access_token',
        'token response "access_token" must be a non-empty string of visible ascii characters',
      ],
      [
        '{"access_token":"a\\r\\nX-Evil: 1","token_type":"Bearer"}',
        'access_token',
        'token response "access_token" must be a non-empty string of visible ascii characters',
      ],
      ['{"access_token":"at"}', 'token_type', 'token response "token_type" must be "Bearer"'],
      [
        '{"access_token":"at","token_type":"DPoP"}',
        'token_type',
        'token response "token_type" must be "Bearer"',
      ],
      [
        '{"access_token":"at","token_type":"Bearerx"}',
        'token_type',
        'token response "token_type" must be "Bearer"',
      ],
      [
        '{"access_token":"at","token_type":["Bearer"]}',
        'token_type',
        'token response "token_type" must be "Bearer"',
      ],
      [
        '{"access_token":"at","token_type":"Bearer","expires_in":"3600"}',
        'expires_in',
        'token response "expires_in" must be a non-negative number',
      ],
      [
        '{"access_token":"at","token_type":"Bearer","expires_in":null}',
        'expires_in',
        'token response "expires_in" must be a non-negative number',
      ],
      [
        '{"access_token":"at","token_type":"Bearer","expires_in":-1}',
        'expires_in',
        'token response "expires_in" must be a non-negative number',
      ],
      [
        '{"access_token":"at","token_type":"Bearer","scope":["a"]}',
        'scope',
        'token response "scope" must be a string',
      ],
    ])('should reject the body %s with a typed error', async (body, field, message) => {
      server.handle(() => ({ body, headers: { 'content-type': 'application/json' } }))

      const error = await source()
        .getToken()
        .catch((e: unknown) => e)

      expect(error).toBeInstanceOf(TokenResponseError)
      expect(error).toMatchObject({
        name: 'TokenResponseError',
        code: 'ERR_INVALID_TOKEN_RESPONSE',
        field,
        message,
      })
    })

    it.each(['bearer', 'BEARER', 'Bearer'])(
      'should accept the token_type %s case-insensitively',
      async (tokenType) => {
        server.handle(() => tokenReply({ token_type: tokenType }))

        await expect(source().getToken()).resolves.toMatchObject({ tokenType: 'Bearer' })
      },
    )

    it('should report an OAuth error response with its fields', async () => {
      server.handle(() => ({
        status: 401,
        json: { error: 'invalid_client', error_description: `bad secret ${SECRET}` },
      }))

      const error = await source()
        .getToken()
        .catch((e: unknown) => e)

      expect(error).toBeInstanceOf(TokenRequestError)
      expect(error).toMatchObject({
        name: 'TokenRequestError',
        code: 'ERR_TOKEN_REQUEST_FAILED',
        message: 'token endpoint answered HTTP 401 with "error" invalid_client',
        status: 401,
        error: 'invalid_client',
        errorDescription: 'bad secret [redacted]',
      })
    })
  })

  describe('fetch', () => {
    let api: TestServer

    beforeEach(async () => {
      api = await startServer(() => ({ json: { ok: true } }))
    })

    afterEach(async () => {
      await api.close()
    })

    it('should add the bearer token and keep the caller headers', async () => {
      const response = await source().fetch(`${api.origin}/fhir/metadata`, {
        headers: { accept: 'application/fhir+json', authorization: 'Bearer stale' },
      })

      expect(response.status).toBe(200)
      expect(api.requests[0]?.headers.authorization).toBe('Bearer at-1')
      expect(api.requests[0]?.headers.accept).toBe('application/fhir+json')
    })

    it('[SEC-23] should not send the bearer over http: outside loopback', async () => {
      const fetchSpy = vi.fn(fetch)

      await expect(
        source({ fetch: fetchSpy }).fetch('http://api.example.com/fhir/metadata'),
      ).rejects.toThrow(InsecureEndpointError)
      expect(fetchSpy).not.toHaveBeenCalled()
    })

    it('should refresh once and retry once on a 401', async () => {
      let issued = 0
      server.handle(() => tokenReply({ access_token: `at-${++issued}` }))
      api.handle((request) =>
        request.headers.authorization === 'Bearer at-1' ? { status: 401 } : { json: { ok: true } },
      )
      const tokens = source()

      const response = await tokens.fetch(`${api.origin}/items`, {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      })

      expect(response.status).toBe(200)
      expect(tokenRequests()).toHaveLength(2)
      expect(api.requests.map((r) => [r.headers.authorization, r.body])).toEqual([
        ['Bearer at-1', '{"a":1}'],
        ['Bearer at-2', '{"a":1}'],
      ])
    })

    it('should retry only once and return the second 401', async () => {
      api.handle(() => ({ status: 401 }))

      const response = await source().fetch(`${api.origin}/items`)

      expect(response.status).toBe(401)
      expect(api.requests).toHaveLength(2)
      expect(tokenRequests()).toHaveLength(2)
    })

    it('should refresh once for many concurrent 401s', async () => {
      let issued = 0
      server.handle(() => tokenReply({ access_token: `at-${++issued}` }))
      api.handle((request) =>
        request.headers.authorization === 'Bearer at-1' ? { status: 401 } : { json: { ok: true } },
      )
      const tokens = source()
      await tokens.getToken()

      const responses = await Promise.all(
        Array.from({ length: 20 }, () => tokens.fetch(`${api.origin}/items`)),
      )

      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200))
      expect(tokenRequests()).toHaveLength(2)
    })
  })

  describe('secrets', () => {
    it('should keep the secret out of errors, inspect and JSON', async () => {
      const closed = await startServer(() => tokenReply())
      await closed.close()
      server.handle(() => ({
        status: 400,
        json: { error: 'invalid_client', error_description: SECRET },
      }))
      const tokens = source({ clientSecret: new Secret(SECRET) })
      const sources = [
        tokens,
        source(),
        source({ auth: 'json_body' }),
        source({ auth: 'client_secret_basic' }),
      ]
      const errors = [
        await tokens.getToken().catch((e: unknown) => e),
        await source({ auth: 'json_body' })
          .getToken()
          .catch((e: unknown) => e),
        await source({ tokenEndpoint: `${closed.origin}/t` })
          .getToken()
          .catch((e: unknown) => e),
        await source({ auth: 'client_secret_basic', tokenEndpoint: `${closed.origin}/t` })
          .getToken()
          .catch((e: unknown) => e),
      ]

      for (const value of [...sources, ...errors]) {
        for (const printed of [
          JSON.stringify(value),
          inspect(value, { depth: 20, showHidden: true }),
          String(value),
          value instanceof Error ? `${value.message} ${value.stack}` : '',
        ]) {
          expect(printed).not.toContain(SECRET)
          expect(printed).not.toContain(encodeURIComponent(SECRET))
        }
      }
      expect(errors.every((e) => e instanceof TokenRequestError)).toBe(true)
      expect(JSON.parse(JSON.stringify(tokens))).toEqual({
        auth: 'client_secret_post',
        tokenEndpoint: `${server.origin}/oauth2/token`,
        clientId: 'my client:1',
        clientSecret: '[redacted]',
      })
    })

    it('should keep the cached access token out of inspect and JSON', async () => {
      const tokens = source()
      await tokens.getToken()

      expect(JSON.stringify(tokens)).not.toContain('at-1')
      expect(inspect(tokens, { depth: 20, showHidden: true })).not.toContain('at-1')
    })
  })

  describe('secrets echoed back', () => {
    const forms = secretForms(SECRET, 'my client:1')

    it('[SEC-33] should know the forms the secret travels in', () => {
      expect(forms.length).toBeGreaterThan(6)
      expect(forms).toContain(
        Buffer.from('my+client%3A1:se%3Acret%2F%C3%A4%7E+%2Bs3cr3t').toString('base64'),
      )
    })

    it.each(['client_secret_post', 'client_secret_basic', 'json_body'] as const)(
      '[SEC-33] should redact every encoding of the secret from every field of an error (%s)',
      async (auth) => {
        for (const echoed of forms) {
          server.handle(() => ({
            status: 400,
            json: {
              error: echoed,
              error_description: `bad client ${echoed} (you sent "${echoed}")`,
              error_uri: `https://as.example/e?s=${echoed}`,
              message: echoed,
              detail: { received: echoed },
            },
          }))

          const error = await source({ auth })
            .getToken()
            .catch((e: unknown) => e)

          expect(error).toBeInstanceOf(TokenRequestError)
          const printed = [
            JSON.stringify(error),
            inspect(error, { depth: 20, showHidden: true }),
            String(error),
            (error as Error).stack ?? '',
            JSON.stringify(Object.entries(error as object)),
          ].join('\n')
          for (const form of forms) expect(printed).not.toContain(form)
          expect((error as TokenRequestError).errorDescription).toContain('[redacted]')
        }
      },
    )

    it('[SEC-33] should keep an error code echoing the secret out of the message and error', async () => {
      const plain = 'plain-s3cret_value'
      server.handle(() => ({ status: 401, json: { error: plain } }))

      const error = await source({ clientSecret: plain })
        .getToken()
        .catch((e: unknown) => e)

      expect(error).toMatchObject({
        message: 'token endpoint answered HTTP 401 with "error" [redacted]',
        error: '[redacted]',
      })
    })
  })

  describe('absurd lifetimes', () => {
    it.each([1e300, Number.MAX_SAFE_INTEGER, 1e20, MAX_EXPIRES_IN_SECONDS + 1])(
      '[SEC-34] should clamp expires_in %d to a year and refresh in finite time',
      async (expiresIn) => {
        server.handle(() => tokenReply({ expires_in: expiresIn }))
        const tokens = source()

        const token = await tokens.getToken()

        expect(token.expiresAt).toBe(START + MAX_EXPIRES_IN_SECONDS * 1000)
        expect(new Date(token.expiresAt ?? Number.NaN).toISOString()).toBe(
          '2027-01-01T00:00:00.000Z',
        )
        clock = START + (MAX_EXPIRES_IN_SECONDS - 60) * 1000 - 1
        await tokens.getToken()
        expect(tokenRequests()).toHaveLength(1)
        clock = START + (MAX_EXPIRES_IN_SECONDS - 60) * 1000
        await tokens.getToken()
        expect(tokenRequests()).toHaveLength(2)
      },
    )

    it('[SEC-34] should keep a lifetime of exactly a year as is', async () => {
      server.handle(() => tokenReply({ expires_in: MAX_EXPIRES_IN_SECONDS }))

      const token = await source().getToken()

      expect(token.expiresAt).toBe(START + MAX_EXPIRES_IN_SECONDS * 1000)
    })

    it.each(['1e400', 'Infinity', '"1e300"'])(
      '[SEC-34] should refuse the expires_in %s with a typed error',
      async (raw) => {
        server.handle(() => ({
          body: `{"access_token":"at","token_type":"Bearer","expires_in":${raw}}`,
          headers: { 'content-type': 'application/json' },
        }))

        const error = await source()
          .getToken()
          .catch((e: unknown) => e)

        expect(error).toBeInstanceOf(TokenResponseError)
        expect(error).toMatchObject({
          code: 'ERR_INVALID_TOKEN_RESPONSE',
          field: raw === 'Infinity' ? 'body' : 'expires_in',
        })
      },
    )
  })

  describe('options', () => {
    it.each([
      [{ clientId: '' }, '"clientId" must be a non-empty string'],
      [{ clientSecret: '' }, '"clientSecret" must be a non-empty string'],
      [{ clientSecret: new Secret('') }, '"clientSecret" must be a non-empty string'],
      [
        { auth: 'private_key_jwt' },
        '"auth" must be "client_secret_post", "client_secret_basic" or "json_body"',
      ],
      [{ refreshSkewSeconds: -1 }, '"refreshSkewSeconds" must be a non-negative number'],
      [{ refreshSkewSeconds: Number.NaN }, '"refreshSkewSeconds" must be a non-negative number'],
      [{ scope: '' }, '"scope" must be a non-empty string'],
      [{ tokenEndpoint: 'not a url' }, '"tokenEndpoint" must be an absolute URL'],
      [
        { issuer: 'https://a.example', tokenEndpoint: 'https://a.example/t' },
        'exactly one of "issuer" and "tokenEndpoint" must be given',
      ],
    ])('should reject %o', (overrides, message) => {
      expect(() => source(overrides as Partial<TokenSourceOptions>)).toThrow(
        expect.objectContaining({
          name: 'InvalidArgumentError',
          code: 'ERR_INVALID_ARGUMENT',
          message,
        }),
      )
      expect(() => source(overrides as Partial<TokenSourceOptions>)).toThrow(InvalidArgumentError)
    })
  })
})
