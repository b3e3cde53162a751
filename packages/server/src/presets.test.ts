import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DiscoveryError, InsecureEndpointError, InvalidArgumentError } from './errors.ts'
import { bwell, LOCAL_BASE_URLS, medblocks, opescare, VENDOR_ENVIRONMENTS } from './presets.ts'
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
      { environment: 'local', baseUrl: 'https://a.example' },
      'exactly one of "baseUrl" and "environment" must be given',
    ],
    [{}, 'exactly one of "baseUrl" and "environment" must be given'],
    [{ baseUrl: 'https://a.example/?tenant=1' }, '"baseUrl" must not have a query or fragment'],
    [{ baseUrl: 'a.example' }, '"baseUrl" must be an absolute URL'],
  ])('should reject %o for every preset', (location, message) => {
    for (const preset of [bwell, medblocks, opescare] as ((options: unknown) => unknown)[]) {
      expect(() => preset({ ...credentials, ...location })).toThrow(
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

describe('named environments', () => {
  const COGNITO = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_e4iVm1J4X'

  /** A fetch that answers from a table and records every URL: no request leaves the machine. */
  function offline(answer: (url: string) => Response) {
    const urls: string[] = []
    const fetch = async (input: string | URL | Request) => {
      const url = input instanceof Request ? input.url : String(input)
      urls.push(url)
      return answer(url)
    }
    return { urls, fetch }
  }

  const token = () => Response.json({ access_token: 'at-1', token_type: 'Bearer', expires_in: 60 })

  it.each([
    ['bwell', 'sandbox', 'https://fhir.client-sandbox.icanbwell.com/oauth2/token'],
    ['medblocks', 'dev', 'https://dev.medblocks.com/oauth2/token'],
  ] as const)('should send the %s %s token request to %s', async (vendor, environment, url) => {
    const net = offline(token)
    const preset = (vendor === 'bwell' ? bwell : medblocks) as (
      options: unknown,
    ) => ReturnType<typeof bwell>

    await preset({ environment, ...credentials, fetch: net.fetch }).getToken()

    expect(net.urls).toEqual([url])
  })

  it('should discover b.well production from its Cognito issuer and use the token endpoint found', async () => {
    const net = offline((url) =>
      url.endsWith('/.well-known/openid-configuration')
        ? Response.json({
            issuer: COGNITO,
            token_endpoint: 'https://auth.bwell.example/oauth2/token',
          })
        : token(),
    )

    await bwell({ environment: 'production', ...credentials, fetch: net.fetch }).getToken()

    expect(net.urls).toEqual([
      `${COGNITO}/.well-known/openid-configuration`,
      'https://auth.bwell.example/oauth2/token',
    ])
  })

  it.each([
    'https://fhir.icanbwell.com',
    `${COGNITO}/`,
    'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_e4iVm1J4x',
    'https://cognito-idp.us-west-2.amazonaws.com/us-east-1_e4iVm1J4X',
  ])(
    '[SEC-25] should refuse a b.well production discovery document whose issuer is %s',
    async (issuer) => {
      const net = offline((url) =>
        url.endsWith('/.well-known/openid-configuration')
          ? Response.json({ issuer, token_endpoint: 'https://auth.bwell.example/oauth2/token' })
          : token(),
      )

      const error = await bwell({ environment: 'production', ...credentials, fetch: net.fetch })
        .getToken()
        .catch((e: unknown) => e)

      expect(error).toBeInstanceOf(DiscoveryError)
      expect(error).toMatchObject({
        message: 'discovery "issuer" does not match the configured issuer',
      })
      expect(net.urls).toEqual([`${COGNITO}/.well-known/openid-configuration`])
    },
  )

  it('should use the b.well production token endpoint directly when discover is false', async () => {
    const net = offline(token)

    await bwell({
      environment: 'production',
      ...credentials,
      discover: false,
      fetch: net.fetch,
    }).getToken()

    expect(net.urls).toEqual(['https://fhir.icanbwell.com/oauth2/token'])
  })

  it('should refuse discovery for the b.well sandbox, which has no published issuer', () => {
    expect(() => bwell({ environment: 'sandbox', ...credentials, discover: true })).toThrow(
      expect.objectContaining({
        name: 'InvalidArgumentError',
        message:
          '"discover" is not available for the "sandbox" environment: b.well publishes no issuer for it',
      }),
    )
  })

  it('should describe the environments in the sources it builds', () => {
    expect(
      JSON.parse(JSON.stringify(bwell({ environment: 'production', ...credentials }))),
    ).toMatchObject({
      issuer: COGNITO,
    })
    expect(VENDOR_ENVIRONMENTS.bwell.production.baseUrl).toBe('https://fhir.icanbwell.com')
  })

  it.each([
    [
      bwell,
      'dev',
      '"environment" must be "local" or "sandbox" or "production"; pass "baseUrl" for other hosts',
    ],
    [
      medblocks,
      'production',
      '"environment" must be "local" or "dev"; pass "baseUrl" for other hosts',
    ],
    [opescare, 'sandbox', '"environment" must be "local"; pass "baseUrl" for other hosts'],
    [opescare, 'toString', '"environment" must be "local"; pass "baseUrl" for other hosts'],
  ] as const)(
    'should name the environments a preset knows (%#)',
    (preset, environment, message) => {
      expect(() =>
        (preset as (options: unknown) => unknown)({ environment, ...credentials }),
      ).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message }))
    },
  )
})
