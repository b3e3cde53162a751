import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MockBackend } from '../server.ts'
import { CookieJar, insecure, location, startTestBackend } from '../testSupport.ts'
import { scopeAllows } from './smart.ts'

const app = 'http://localhost:5173'
const smartClient: oauth.Client = { client_id: 'oauth-connect-smart' }
const redirectUri = `${app}/smart/callback`
const fullScope = 'openid fhirUser launch/patient patient/*.rs'

describe('medblocks as a SMART server', () => {
  let backend: MockBackend
  let issuer: string
  let fhirBase: string
  beforeAll(async () => {
    backend = await startTestBackend(true)
    issuer = backend.origins.medblocks
    fhirBase = `${issuer}/fhir`
  })
  afterAll(async () => {
    await backend.close()
  })

  const arm = async (kind: string, username = 'amy.shaw') => {
    const res = await fetch(`${backend.origins.bwell}/__test__/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind, match: { username } }),
    })
    expect(res.status).toBe(201)
  }

  /** The SMART authorization request, the login page, and the redirects back to the app. */
  async function authorize(options: { aud?: string | null; scope?: string; username?: string }) {
    const configuration = (await (
      await fetch(`${fhirBase}/.well-known/smart-configuration`)
    ).json()) as { authorization_endpoint: string; token_endpoint: string; issuer: string }
    const as: oauth.AuthorizationServer = {
      issuer: configuration.issuer,
      authorization_endpoint: configuration.authorization_endpoint,
      token_endpoint: configuration.token_endpoint,
      authorization_response_iss_parameter_supported: true,
    }
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const nonce = oauth.generateRandomNonce()
    const auth = new URL(configuration.authorization_endpoint)
    const params: Record<string, string> = {
      client_id: smartClient.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: options.scope ?? fullScope,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    }
    if (options.aud !== null) params.aud = options.aud ?? fhirBase
    for (const [name, value] of Object.entries(params)) auth.searchParams.set(name, value)
    const jar = new CookieJar()
    const username = options.username ?? 'amy.shaw'
    let url = auth.href
    let res = await jar.fetch(url)
    for (let hop = 0; hop < 10; hop++) {
      if (res.status === 200) {
        const action = /<form method="post" action="([^"]+)"/.exec(await res.text())?.[1]
        if (!action) throw new Error('expected the login form')
        url = new URL(action, url).href
        res = await jar.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            username,
            password: `${username.split('.')[0]}-password`,
          }).toString(),
        })
        continue
      }
      const next = location(res, url)
      if (next.startsWith(redirectUri))
        return { as, callbackUrl: new URL(next), verifier, state, nonce }
      url = next
      res = await jar.fetch(url)
    }
    throw new Error('too many redirects')
  }

  async function signIn(options: Parameters<typeof authorize>[0] = {}) {
    const { as, callbackUrl, verifier, state, nonce } = await authorize(options)
    const params = oauth.validateAuthResponse(as, smartClient, callbackUrl, state)
    const res = await oauth.authorizationCodeGrantRequest(
      as,
      smartClient,
      oauth.None(),
      params,
      redirectUri,
      verifier,
      { ...insecure, headers: { origin: app } },
    )
    const tokens = await oauth.processAuthorizationCodeResponse(as, smartClient, res, {
      expectedNonce: nonce,
    })
    return { as, tokens }
  }

  const get = (path: string, token: string) =>
    fetch(`${fhirBase}${path}`, { headers: { authorization: `Bearer ${token}`, origin: app } })

  it('should serve smart-configuration under its FHIR base, with S256 and the capabilities', async () => {
    const res = await fetch(`${fhirBase}/.well-known/smart-configuration`, {
      headers: { origin: app },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(app)
    expect(await res.json()).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth2/auth`,
      token_endpoint: `${issuer}/oauth2/token`,
      code_challenge_methods_supported: ['S256'],
      capabilities: expect.arrayContaining([
        'launch-standalone',
        'context-standalone-patient',
        'permission-v2',
        'client-public',
      ]),
    })
  })

  it('should answer a SMART sign-in with the launch patient, the banner flag, the granted scope and fhirUser', async () => {
    const { tokens } = await signIn()
    expect(tokens).toMatchObject({
      patient: 'amy-shaw',
      need_patient_banner: true,
      scope: fullScope,
      token_type: 'bearer',
    })
    expect(typeof tokens.refresh_token).toBe('string')
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({
      sub: 'amy.shaw',
      fhirUser: `${fhirBase}/Patient/amy-shaw`,
    })
    const patient = await get('/Patient/amy-shaw', tokens.access_token)
    expect(patient.status).toBe(200)
    expect(patient.headers.get('access-control-allow-origin')).toBe(app)
    expect(await patient.json()).toMatchObject({ resourceType: 'Patient', id: 'amy-shaw' })
    const observations = await get('/Observation?patient=amy-shaw', tokens.access_token)
    expect(observations.status).toBe(200)
    const bundle = (await observations.json()) as { total: number; entry: { resource: unknown }[] }
    expect(bundle.total).toBe(2)
    expect(bundle.entry[0]?.resource).toMatchObject({
      resourceType: 'Observation',
      subject: { reference: 'Patient/amy-shaw' },
    })
  })

  it('should keep the launch patient on a refresh', async () => {
    const { as, tokens } = await signIn()
    const res = await oauth.refreshTokenGrantRequest(
      as,
      smartClient,
      oauth.None(),
      tokens.refresh_token ?? '',
      { ...insecure, headers: { origin: app } },
    )
    const refreshed = await oauth.processRefreshTokenResponse(as, smartClient, res)
    expect(refreshed).toMatchObject({ patient: 'amy-shaw', scope: fullScope })
  })

  it('should send a wrong or missing aud back to the app as an authorization error', async () => {
    const wrong = await authorize({ aud: `${issuer}/other-fhir` })
    expect(Object.fromEntries(wrong.callbackUrl.searchParams)).toMatchObject({
      error: 'invalid_target',
      state: wrong.state,
      iss: issuer,
    })
    expect(wrong.callbackUrl.searchParams.get('error_description')).toMatch(/"aud"/)
    expect(wrong.callbackUrl.searchParams.has('code')).toBe(false)
    const missing = await authorize({ aud: null })
    expect(missing.callbackUrl.searchParams.get('error')).toBe('invalid_request')
    expect(missing.callbackUrl.searchParams.get('error_description')).toMatch(/"aud"/)
  })

  it('should narrow the granted scope under a smartNarrowScope fault, and the FHIR server honour it', async () => {
    await arm('smartNarrowScope')
    const scope = 'openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs'
    const { tokens } = await signIn({ scope })
    expect(tokens.scope).toBe('openid fhirUser launch/patient patient/Patient.rs')
    expect(tokens.patient).toBe('amy-shaw')
    expect((await get('/Patient/amy-shaw', tokens.access_token)).status).toBe(200)
    const observations = await get('/Observation?patient=amy-shaw', tokens.access_token)
    expect(observations.status).toBe(403)
    expect(await observations.json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'forbidden' }],
    })
    // One token request only: the next sign-in gets everything again.
    expect((await signIn({ scope })).tokens.scope).toBe(scope)
  })

  it('should leave patient out under a smartNoPatient fault', async () => {
    await arm('smartNoPatient')
    const { tokens } = await signIn()
    expect(tokens.patient).toBeUndefined()
    expect(tokens.scope).toBe(fullScope)
  })

  it('should keep every read inside the token’s patient and scope', async () => {
    const amy = (await signIn()).tokens.access_token
    expect((await get('/Patient/james-chalmers', amy)).status).toBe(403)
    expect((await get('/Observation?patient=james-chalmers', amy)).status).toBe(403)
    expect((await get('/Observation', amy)).status).toBe(403)
    const observationsOnly = (
      await signIn({ scope: 'openid launch/patient patient/Observation.rs' })
    ).tokens.access_token
    expect((await get('/Patient/amy-shaw', observationsOnly)).status).toBe(403)
    expect((await get('/Observation?patient=Patient/amy-shaw', observationsOnly)).status).toBe(200)
    const unauthenticated = await fetch(`${fhirBase}/Patient/amy-shaw`)
    expect(unauthenticated.status).toBe(401)
    expect(unauthenticated.headers.get('www-authenticate')).toMatch(/invalid_token/)
  })

  it('should keep the Medblocks sign-in free of SMART fields', async () => {
    const { signIn: medblocksSignIn } = await import('../testSupport.ts')
    const { tokens } = await medblocksSignIn(issuer)
    expect(tokens.patient).toBeUndefined()
    expect(oauth.getValidatedIdTokenClaims(tokens)?.fhirUser).toBeUndefined()
  })
})

describe('scopeAllows', () => {
  it('should read SMART v2 and v1 patient scopes', () => {
    expect(scopeAllows('patient/*.rs', 'Observation', 's')).toBe(true)
    expect(scopeAllows('patient/Observation.rs', 'Observation', 'r')).toBe(true)
    expect(scopeAllows('patient/Observation.r', 'Observation', 's')).toBe(false)
    expect(scopeAllows('patient/Patient.rs', 'Observation', 's')).toBe(false)
    expect(scopeAllows('patient/*.read', 'Patient', 'r')).toBe(true)
    expect(scopeAllows('user/*.rs system/*.read', 'Patient', 'r')).toBe(false)
    expect(scopeAllows('', 'Patient', 'r')).toBe(false)
    expect(scopeAllows('patient/Observation.rs.evil', 'Observation', 's')).toBe(false)
  })
})
