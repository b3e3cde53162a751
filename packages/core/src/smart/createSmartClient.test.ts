import { type AuthServer, type AuthServerOptions, startAuthServer } from '@oauth-connect/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InvalidArgumentError } from '../errors.ts'
import { LoginError } from '../login/errors.ts'
import { sessionStore } from '../login/sessionStore.ts'
import {
  createSmartClient,
  type SmartClient,
  type SmartClientOptions,
} from './createSmartClient.ts'
import type { ScopesNarrowed } from './launchContext.ts'

const servers: AuthServer[] = []
const clients: SmartClient[] = []
let server: AuthServer
let navigations: URL[]

const launch = {
  patient: 'amy-shaw',
  encounter: 'enc-1',
  need_patient_banner: true,
  smart_style_url: 'https://ehr.example/smart-style.json',
  fhirContext: [{ reference: 'Observation/obs-1', role: 'launch' }],
}

async function start(smart: AuthServerOptions['smart'] = {}): Promise<AuthServer> {
  const started = await startAuthServer({ smart })
  servers.push(started)
  return started
}

function makeClient(overrides: Partial<SmartClientOptions> = {}, fhirBase = server.fhirBase) {
  const client = createSmartClient(fhirBase, {
    clientId: server.clientId,
    redirectUri: `${location.origin}/callback`,
    allowInsecureLoopback: true,
    resourceOrigins: [server.issuer],
    navigate: (url) => navigations.push(url),
    ...overrides,
  })
  clients.push(client)
  return client
}

async function authorize(client: SmartClient): Promise<URL> {
  await client.login({ returnTo: '/chart' })
  const authorizationUrl = navigations.at(-1)
  if (!authorizationUrl) throw new Error('login did not navigate')
  const callback = server.approve(authorizationUrl)
  history.replaceState(null, '', callback)
  return callback
}

async function expectLoginError(promise: Promise<unknown>, code: string): Promise<LoginError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(LoginError)
  expect((error as LoginError).code).toBe(code)
  return error as LoginError
}

beforeEach(() => {
  sessionStorage.clear()
  history.replaceState(null, '', '/chart')
  navigations = []
})

afterEach(async () => {
  vi.useRealTimers()
  for (const client of clients.splice(0)) client.close()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

describe('createSmartClient', () => {
  it('should sign in from the FHIR base alone and keep the launch context with the session', async () => {
    server = await start({ tokenFields: () => launch })
    server.tamperNextIdToken({ fhirUser: 'Patient/amy-shaw' })
    const client = makeClient()
    await authorize(client)
    const url = navigations[0]
    expect(url?.origin + (url?.pathname ?? '')).toBe(`${server.issuer}/oauth2/auth`)
    expect(url?.searchParams.get('aud')).toBe(server.fhirBase)
    expect(url?.searchParams.get('scope')).toBe('openid fhirUser launch/patient patient/*.rs')
    expect(url?.searchParams.get('code_challenge_method')).toBe('S256')
    expect(await client.handleCallback()).toEqual({ returnTo: '/chart', popup: false })
    expect(server.log()).toEqual([
      'GET /fhir/.well-known/smart-configuration',
      'POST /oauth2/token',
    ])
    expect(client.getLaunchContext()).toEqual({
      patient: 'amy-shaw',
      encounter: 'enc-1',
      fhirContext: [{ reference: 'Observation/obs-1', role: 'launch' }],
      needPatientBanner: true,
      smartStyleUrl: 'https://ehr.example/smart-style.json',
      // The test server sends an empty `scope`, as Medblocks does: the request's scope stands.
      scope: 'openid fhirUser launch/patient patient/*.rs',
      missingScopes: [],
      fhirUser: 'Patient/amy-shaw',
    })
    expect(client.getSmartConfiguration()?.capabilities).toContain('launch-standalone')
    await client.logout()
    expect(client.getLaunchContext()).toBeUndefined()
  })

  it('should ask for the resource scopes given, and offline_access when asked', async () => {
    server = await start({ tokenFields: () => ({ patient: 'amy-shaw' }) })
    const client = makeClient({ scopes: ['patient/Observation.rs'], offlineAccess: true })
    await client.login()
    expect(client.scope).toBe(
      'openid fhirUser launch/patient patient/Observation.rs offline_access',
    )
    expect(navigations[0]?.searchParams.get('scope')).toBe(client.scope)
  })

  it('should not let an authorization parameter of its own be overridden by aud', async () => {
    server = await start()
    const client = makeClient()
    await client.login()
    const params = navigations[0]?.searchParams
    expect(params?.getAll('aud')).toEqual([server.fhirBase])
    expect(params?.getAll('state')).toHaveLength(1)
    expect(params?.getAll('code_challenge_method')).toEqual(['S256'])
  })

  it('should refuse a configuration without S256 before any authorization request', async () => {
    for (const methods of [['plain'], undefined, 'S256']) {
      server = await start({
        configuration: (issuer) => ({
          authorization_endpoint: `${issuer}/oauth2/auth`,
          token_endpoint: `${issuer}/oauth2/token`,
          capabilities: ['launch-standalone'],
          code_challenge_methods_supported: methods,
        }),
      })
      const client = makeClient()
      const error = await expectLoginError(client.login(), 'pkce_unsupported')
      expect(error.message).toBe('"code_challenge_methods_supported" does not list S256')
      expect(client.getSnapshot()).toMatchObject({ status: 'error', error })
      expect(navigations).toEqual([])
    }
  })

  it('should not sign in against a configuration with a bad field', async () => {
    server = await start({
      configuration: (issuer) => ({
        authorization_endpoint: 'http://evil.example/auth',
        token_endpoint: `${issuer}/oauth2/token`,
        capabilities: [],
        code_challenge_methods_supported: ['S256'],
      }),
    })
    const client = makeClient()
    const error = await expectLoginError(client.login(), 'discovery_failed')
    expect(error.message).toBe('"authorization_endpoint" is missing or not an allowed URL')
    expect(navigations).toEqual([])
  })

  it('should report an HTTP error of the configuration as discovery_failed, and retry next time', async () => {
    server = await start()
    server.fault('/fhir/.well-known/smart-configuration', { status: 404, body: '{}' })
    const client = makeClient()
    const error = await expectLoginError(client.login(), 'discovery_failed')
    expect(error.message).toBe('"smart-configuration" answered HTTP 404')
    await client.login()
    expect(navigations).toHaveLength(1)
  })

  it('should refuse a token response without patient when launch/patient was granted', async () => {
    server = await start({ tokenFields: () => ({ need_patient_banner: true }) })
    const client = makeClient()
    await authorize(client)
    const error = await expectLoginError(client.handleCallback(), 'launch_patient_missing')
    expect(client.getSnapshot()).toMatchObject({ status: 'error', error })
    expect(client.getLaunchContext()).toBeUndefined()
    await expectLoginError(client.getAccessToken(), 'not_signed_in')
  })

  it('should report a narrowed scope, and sign in with what was granted', async () => {
    server = await start({
      tokenFields: () => ({ scope: 'openid fhirUser patient/Patient.rs', patient: 'amy-shaw' }),
    })
    const reports: ScopesNarrowed[] = []
    const client = makeClient({ onScopesNarrowed: (report) => reports.push(report) })
    await authorize(client)
    await client.handleCallback()
    expect(client.getSnapshot().status).toBe('signed-in')
    expect(client.getLaunchContext()).toMatchObject({
      patient: 'amy-shaw',
      scope: 'openid fhirUser patient/Patient.rs',
      missingScopes: ['launch/patient', 'patient/*.rs'],
    })
    expect(reports).toEqual([
      {
        requested: 'openid fhirUser launch/patient patient/*.rs',
        granted: 'openid fhirUser patient/Patient.rs',
        missingScopes: ['launch/patient', 'patient/*.rs'],
      },
    ])
  })

  it('should not require patient when launch/patient was not granted', async () => {
    server = await start({ tokenFields: () => ({ scope: 'openid fhirUser patient/*.rs' }) })
    const client = makeClient()
    await authorize(client)
    await client.handleCallback()
    expect(client.getLaunchContext()).toMatchObject({
      patient: undefined,
      missingScopes: ['launch/patient'],
    })
  })

  it('should refuse launch-context fields of the wrong type and store nothing', async () => {
    for (const fields of [
      { patient: 42 },
      { patient: '../admin' },
      { patient: 'p', encounter: 'a/b' },
      { need_patient_banner: 'yes', patient: 'p' },
      { fhirContext: [{ reference: 1 }], patient: 'p' },
      { fhirContext: {}, patient: 'p' },
      { scope: ['openid'], patient: 'p' },
    ]) {
      server = await start({ tokenFields: () => fields })
      const client = makeClient()
      await authorize(client)
      await expectLoginError(client.handleCallback(), 'token_response_invalid')
      expect(client.getSnapshot().status).toBe('error')
    }
  })

  it('should type a refused aud, in the rejection and in the snapshot', async () => {
    server = await start()
    // A trailing slash is another string: the server compares aud with its base exactly.
    const client = makeClient({}, `${server.fhirBase}/`)
    await authorize(client)
    const error = await expectLoginError(client.handleCallback(), 'audience_rejected')
    expect(error).toMatchObject({
      error: 'invalid_target',
      description: '"aud" is not this FHIR server',
      message: `authorization failed with "error" invalid_target: "aud" ${server.fhirBase}/ refused`,
    })
    expect(error.cause).toMatchObject({ code: 'authorization_failed' })
    expect(client.getSnapshot().error).toBe(error)
    expect(client.getSnapshot()).toBe(client.getSnapshot())
    expect(server.log()).toEqual(['GET /fhir/.well-known/smart-configuration'])
  })

  it('should keep the launch context across a refresh that does not repeat it', async () => {
    let responses = 0
    server = await start({
      tokenFields: () =>
        ++responses === 1
          ? { ...launch, scope: 'openid fhirUser launch/patient patient/*.rs' }
          : {},
    })
    const client = makeClient()
    await authorize(client)
    await client.handleCallback()
    const before = client.getLaunchContext()
    server.expireAccessTokens()
    const response = await client.fetch(`${server.fhirBase}/Patient`)
    expect(response.status).toBe(200)
    expect(responses).toBe(2)
    expect(client.getLaunchContext()).toEqual(before)
  })

  it('should restore the launch context with a stored session, and drop a malformed one', async () => {
    server = await start({ tokenFields: () => launch })
    const client = makeClient({ storage: sessionStore })
    await authorize(client)
    await client.handleCallback()
    const reloaded = makeClient({ storage: sessionStore })
    expect(reloaded.getLaunchContext()).toEqual(client.getLaunchContext())
    const key = `oauth-connect:login:${server.clientId}:session`
    const stored = JSON.parse(sessionStorage.getItem(key) ?? '{}') as Record<string, unknown>
    sessionStorage.setItem(key, JSON.stringify({ ...stored, context: { patient: 42 } }))
    const tampered = makeClient({ storage: sessionStore })
    expect(tampered.getSnapshot().status).toBe('signed-in')
    expect(tampered.getLaunchContext()).toBeUndefined()
  })

  it('[SEC-5] refuses a SMART callback with a different state before any token request', async () => {
    server = await start({ tokenFields: () => launch })
    const client = makeClient()
    const callback = await authorize(client)
    callback.searchParams.set('state', 'forged')
    await expectLoginError(client.handleCallback(callback), 'state_mismatch')
    expect(server.log()).toEqual(['GET /fhir/.well-known/smart-configuration'])
  })

  it('[SEC-8] exchanges a SMART callback exactly once', async () => {
    server = await start({ tokenFields: () => launch })
    const client = makeClient()
    await authorize(client)
    const [first, second] = [client.handleCallback(), client.handleCallback()]
    expect(await second).toEqual(await first)
    expect(server.log().filter((line) => line === 'POST /oauth2/token')).toHaveLength(1)
  })

  it('[SEC-12] sends the bearer to the FHIR base origin by default, and nowhere else', async () => {
    server = await start({ tokenFields: () => launch })
    const client = createSmartClient(server.fhirBase, {
      clientId: server.clientId,
      redirectUri: `${location.origin}/callback`,
      allowInsecureLoopback: true,
      navigate: (url) => navigations.push(url),
    })
    clients.push(client)
    await authorize(client)
    await client.handleCallback()
    expect((await client.fetch(`${server.fhirBase}/Patient`)).status).toBe(200)
    const other = server.fhirBase.replace('127.0.0.1', 'localhost')
    expect((await client.fetch(`${other}/Patient`)).status).toBe(401)
    const sent = server.requests.filter((r) => r.path === '/fhir/Patient')
    expect(sent.map((r) => r.headers.authorization)).toEqual([
      expect.stringMatching(/^Bearer /),
      undefined,
    ])
  })

  it('should refuse a FHIR base that is not https: outside loopback', () => {
    expect(() =>
      createSmartClient('http://fhir.example.com/r4', {
        clientId: 'c',
        redirectUri: `${location.origin}/callback`,
        allowInsecureLoopback: true,
      }),
    ).toThrow(InvalidArgumentError)
  })
})

describe('createSmartClient: requests that hang', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  })

  it('[SEC-29] ends a stalled smart-configuration request in timeout', async () => {
    server = await start()
    const held = server.hold('/fhir/.well-known/smart-configuration')
    const client = makeClient({ requestTimeoutMs: 5_000 })
    const settled = client.login().catch((error: unknown) => error)
    await held.reached
    await vi.advanceTimersByTimeAsync(4_999)
    expect(client.getSnapshot().status).toBe('signed-out')
    await vi.advanceTimersByTimeAsync(1)
    expect(await settled).toMatchObject({ name: 'LoginError', code: 'timeout' })
    held.release()
  })

  it('[SEC-28] discards a SMART code exchange that answers after sign-out', async () => {
    server = await start({ tokenFields: () => launch })
    const client = makeClient()
    await authorize(client)
    const held = server.hold('/oauth2/token')
    const result = client.handleCallback()
    await held.reached
    await client.logout()
    held.release()
    await expect(result).rejects.toMatchObject({
      code: expect.stringMatching(/aborted|session_changed/),
    })
    expect(client.getSnapshot().status).toBe('signed-out')
    expect(client.getLaunchContext()).toBeUndefined()
  })
})
