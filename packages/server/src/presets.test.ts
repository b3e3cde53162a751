import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DiscoveryError, InsecureEndpointError, InvalidArgumentError } from './errors.ts'
import { bwell, LOCAL_BASE_URLS, medblocks, opescare } from './presets.ts'
import { startServer, type TestServer, tokenReply } from './test/httpServer.ts'

const credentials = { clientId: 'backend', clientSecret: 'backend-secret' }

let server: TestServer

beforeEach(async () => {
  server = await startServer((request) =>
    request.path === '/.well-known/openid-configuration'
      ? { json: { issuer: server.origin, token_endpoint: `${server.origin}/oauth2/token` } }
      : tokenReply(),
  )
})

afterEach(async () => {
  await server.close()
})

describe('bwell', () => {
  it('should discover the token endpoint from baseUrl and post the credentials in the form body', async () => {
    const token = await bwell({
      baseUrl: server.origin,
      ...credentials,
      scope: 'system/*.read',
    }).getToken()

    expect(token.accessToken).toBe('at-1')
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /.well-known/openid-configuration',
      'POST /oauth2/token',
    ])
    const request = server.requests[1]
    expect(request?.headers.authorization).toBeUndefined()
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'backend',
      client_secret: 'backend-secret',
      scope: 'system/*.read',
    })
  })

  it('[SEC-25] should reject a discovery document for another issuer', async () => {
    server.handle(() => ({
      json: { issuer: 'https://evil.example', token_endpoint: `${server.origin}/oauth2/token` },
    }))

    await expect(bwell({ baseUrl: server.origin, ...credentials }).getToken()).rejects.toThrow(
      DiscoveryError,
    )
    expect(server.requestsTo('/oauth2/token')).toEqual([])
  })

  it('should use {baseUrl}/oauth2/token without discovery when discover is false', async () => {
    await bwell({ baseUrl: `${server.origin}/`, ...credentials, discover: false }).getToken()

    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /oauth2/token'])
  })

  it('should point the local environment at the mock backend', () => {
    expect(JSON.parse(JSON.stringify(bwell({ environment: 'local', ...credentials })))).toEqual({
      auth: 'client_secret_post',
      issuer: `${LOCAL_BASE_URLS.bwell}/`,
      clientId: 'backend',
      clientSecret: '[redacted]',
    })
  })
})

describe('medblocks', () => {
  it('should use HTTP Basic at {baseUrl}/oauth2/token', async () => {
    await medblocks({ baseUrl: server.origin, ...credentials }).getToken()

    const [request, ...rest] = server.requests
    expect(rest).toEqual([])
    expect(request?.path).toBe('/oauth2/token')
    expect(request?.headers.authorization).toBe(
      // oauth4webapi form-encodes "-" too; a conforming server decodes it back.
      `Basic ${Buffer.from('backend:backend%2Dsecret').toString('base64')}`,
    )
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'client_credentials',
    })
  })

  it('should keep a path prefix of baseUrl', async () => {
    server.handle(() => tokenReply())

    await medblocks({ baseUrl: `${server.origin}/auth/`, ...credentials }).getToken()

    expect(server.requests[0]?.path).toBe('/auth/oauth2/token')
  })

  it('should point the local environment at the mock backend', () => {
    expect(
      JSON.parse(JSON.stringify(medblocks({ environment: 'local', ...credentials }))),
    ).toMatchObject({
      tokenEndpoint: `${LOCAL_BASE_URLS.medblocks}/oauth2/token`,
    })
  })
})

describe('opescare', () => {
  it('should post a JSON body to {baseUrl}/api/v1/connect/auth/token', async () => {
    await opescare({ baseUrl: server.origin, ...credentials, scope: 'patients:read' }).getToken()

    const [request, ...rest] = server.requests
    expect(rest).toEqual([])
    expect(request?.path).toBe('/api/v1/connect/auth/token')
    expect(request?.headers.authorization).toBeUndefined()
    expect(request?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(request?.body ?? '')).toEqual({
      grant_type: 'client_credentials',
      client_id: 'backend',
      client_secret: 'backend-secret',
      scope: 'patients:read',
    })
  })

  it('should point the local environment at the mock backend', () => {
    expect(
      JSON.parse(JSON.stringify(opescare({ environment: 'local', ...credentials }))),
    ).toMatchObject({
      auth: 'json_body',
      tokenEndpoint: `${LOCAL_BASE_URLS.opescare}/api/v1/connect/auth/token`,
    })
  })
})

describe('preset options', () => {
  it.each([
    [
      { environment: 'production' },
      '"environment" must be "local"; pass "baseUrl" for other hosts',
    ],
    [
      { environment: 'local', baseUrl: 'https://a.example' },
      'exactly one of "baseUrl" and "environment" must be given',
    ],
    [{}, 'exactly one of "baseUrl" and "environment" must be given'],
    [{ baseUrl: 'https://a.example/?tenant=1' }, '"baseUrl" must not have a query or fragment'],
    [{ baseUrl: 'a.example' }, '"baseUrl" must be an absolute URL'],
  ])('should reject %o for every preset', (location, message) => {
    for (const preset of [bwell, medblocks, opescare]) {
      expect(() => preset({ ...credentials, ...location } as Parameters<typeof preset>[0])).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', message }),
      )
    }
    expect(() =>
      opescare({ ...credentials, ...location } as Parameters<typeof opescare>[0]),
    ).toThrow(InvalidArgumentError)
  })

  it('[SEC-23] should refuse an http: baseUrl outside loopback for every preset', () => {
    for (const preset of [bwell, medblocks, opescare]) {
      expect(() => preset({ ...credentials, baseUrl: 'http://api.example.com' })).toThrow(
        InsecureEndpointError,
      )
    }
  })
})
