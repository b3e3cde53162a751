import type { IncomingMessage, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import { errors, type KoaContextWithOIDC } from 'oidc-provider'
import type { FaultStore } from '../faults.ts'
import { applyCors, sendJson } from '../http.ts'

/** The SMART app of the demo: a public client (PKCE S256) that signs in with SMART App Launch. */
export const smartClientId = 'oauth-connect-smart'
/** Where the SMART client's callback lands on the app's origin. */
export const smartCallbackPath = '/smart/callback'
/** The SMART launch scope this server grants with the patient of the signed-in user. */
export const launchPatientScope = 'launch/patient'
/** The SMART v2 resource scopes the FHIR server knows beside `fhirScopes`; `.rs` reads and searches. */
export const smartResourceScopes = [
  'patient/*.rs',
  'patient/Patient.rs',
  'patient/Observation.rs',
] as const
/**
 * What a `smartNarrowScope` fault leaves of the resource scopes: the Patient only. oidc-provider
 * grants a subset of the requested scopes, so a request for `patient/*.rs` keeps none, and one
 * for `patient/Patient.rs patient/Observation.rs` keeps `patient/Patient.rs`.
 */
export const narrowedResourceScope = 'patient/Patient.rs'

/** `{issuer}/fhir/.well-known/smart-configuration`'s path. */
export const smartConfigurationPath = '/fhir/.well-known/smart-configuration'

/**
 * `GET /fhir/.well-known/smart-configuration`: the SMART App Launch (v2) configuration of the
 * FHIR base `{issuer}/fhir`, CORS for the app origin.
 * @see https://hl7.org/fhir/smart-app-launch/conformance.html
 */
export function handleSmartConfiguration(
  req: IncomingMessage,
  res: ServerResponse,
  issuer: string,
  appOrigin: string,
): void {
  if (applyCors(req, res, appOrigin, 'GET, OPTIONS')) return
  sendJson(res, 200, {
    issuer,
    jwks_uri: `${issuer}/jwks`,
    authorization_endpoint: `${issuer}/oauth2/auth`,
    token_endpoint: `${issuer}/oauth2/token`,
    revocation_endpoint: `${issuer}/oauth2/revoke`,
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
    scopes_supported: [
      'openid',
      'fhirUser',
      launchPatientScope,
      'offline_access',
      ...smartResourceScopes,
    ],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    capabilities: [
      'launch-standalone',
      'client-public',
      'context-standalone-patient',
      'permission-patient',
      'permission-offline',
      'permission-v2',
      'sso-openid-connect',
    ],
  })
}

/**
 * oidc-provider's `extraParams.aud` check: the SMART client must send `aud` equal to the FHIR
 * base. It runs after the client and `redirect_uri` are checked, so the error goes back to the
 * app's callback (`invalid_request` when missing, `invalid_target` when another URL).
 */
export function checkAudience(audience: string) {
  return (_ctx: KoaContextWithOIDC, value: string | undefined, client?: { clientId: string }) => {
    if (client?.clientId !== smartClientId) return
    if (value === undefined || value === '') {
      throw new errors.InvalidRequest('"aud" is required: the FHIR base URL')
    }
    if (value !== audience) {
      throw new errors.InvalidTarget(`"aud" ${value} is not this FHIR server (${audience})`)
    }
  }
}

/** The patient id of a seeded user; `fhirUser` and the launch `patient` name it. */
export type PatientOf = (username: string) => string | undefined

/**
 * Adds the SMART launch context to the SMART client's token responses: the full granted `scope`
 * (oidc-provider lists only the resource scopes), and with `launch/patient` the signed-in user's
 * `patient` and `need_patient_banner`. A `smartNoPatient` fault leaves `patient` out.
 */
export function addLaunchContext(provider: Provider, faults: FaultStore, patientOf: PatientOf) {
  provider.use(async (ctx, next) => {
    await next()
    const oidc = ctx.oidc as KoaContextWithOIDC['oidc'] | undefined
    const body = ctx.body as Record<string, unknown> | undefined
    if (
      oidc?.route !== 'token' ||
      oidc.client?.clientId !== smartClientId ||
      ctx.status !== 200 ||
      typeof body?.access_token !== 'string'
    ) {
      return
    }
    const entities = oidc.entities
    const source = entities.AuthorizationCode ?? entities.RefreshToken
    const requested = new Set((source?.scope ?? '').split(' ').filter(Boolean))
    const oidcScope = entities.Grant?.getOIDCScopeFiltered(requested) ?? ''
    // `offline_access` is granted only with a consent prompt, which first-party apps skip, so
    // it is missing here even though refresh tokens are issued: the app is told.
    const granted = [oidcScope, entities.AccessToken?.scope ?? ''].filter(Boolean).join(' ')
    body.scope = granted
    const username = entities.Account?.accountId
    if (!username || !granted.split(' ').includes(launchPatientScope)) return
    if (faults.take('smartNoPatient', { username })) return
    body.patient = patientOf(username)
    body.need_patient_banner = true
  })
}

/**
 * The resource scopes the FHIR server grants for a token request: all it knows, or the Patient
 * only while a `smartNarrowScope` fault for the user is armed (taken once per token request).
 */
export function resourceScopesFor(
  ctx: KoaContextWithOIDC,
  faults: FaultStore,
  narrowed: WeakSet<object>,
): string {
  const oidc = ctx.oidc
  const username = oidc.entities.Account?.accountId
  if (oidc.route === 'token' && oidc.client?.clientId === smartClientId && username) {
    if (narrowed.has(ctx) || faults.take('smartNarrowScope', { username })) {
      narrowed.add(ctx)
      return narrowedResourceScope
    }
  }
  return smartResourceScopes.join(' ')
}

/**
 * Whether a token's scope lets it `r`ead or `s`earch a resource type in the patient compartment:
 * SMART v2 `patient/{type|*}.{cruds}` with that letter, or v1 `patient/{type|*}.read`.
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export function scopeAllows(scope: string, resourceType: string, action: 'r' | 's'): boolean {
  return scope.split(' ').some((item) => {
    const match = /^patient\/([A-Za-z]+|\*)\.(read|[cruds]+)$/.exec(item)
    if (!match || (match[1] !== '*' && match[1] !== resourceType)) return false
    return match[2] === 'read' || (match[2] ?? '').includes(action)
  })
}
