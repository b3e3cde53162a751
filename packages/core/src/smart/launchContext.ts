import type { TokenEndpointResponse } from 'oauth4webapi'
import { LoginError } from '../login/errors.ts'
import type { AuthSnapshot } from '../login/loginClient.ts'
import type { SessionContext } from '../login/session.ts'

/** One item of SMART's `fhirContext`: a resource the app was launched with. */
export interface FhirContextItem {
  /** A relative reference such as `Observation/123`. */
  readonly reference?: string
  readonly canonical?: string
  readonly identifier?: Readonly<Record<string, unknown>>
  readonly type?: string
  readonly role?: string
}

/**
 * The SMART launch context of the signed-in session, read from the token response (and kept
 * across refreshes that do not repeat it) and from the ID token (`fhirUser`).
 *
 * @see https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
 */
export interface LaunchContext {
  /** `patient`: the id of the patient in context (for `launch/patient`); always a FHIR id. */
  readonly patient: string | undefined
  /** `encounter`: the id of the encounter in context; always a FHIR id. */
  readonly encounter: string | undefined
  /** `fhirContext`: further resources in context. */
  readonly fhirContext: readonly FhirContextItem[]
  /** `need_patient_banner`: the app must show which patient it shows. Absent means `false`. */
  readonly needPatientBanner: boolean
  /** `smart_style_url`: the server's style hints, a URL. */
  readonly smartStyleUrl: string | undefined
  /** The granted scope: the token response's `scope`, or the requested one when it sent none. */
  readonly scope: string
  /**
   * Scopes asked for but not granted (the user or the server narrowed the request). Empty when
   * everything was granted. Check before relying on a resource type.
   */
  readonly missingScopes: readonly string[]
  /** `fhirUser` from the ID token: the FHIR resource of the signed-in user, e.g. `Patient/123`. */
  readonly fhirUser: string | undefined
}

/** What a narrowed grant reports, to `onScopesNarrowed` and in {@link LaunchContext.missingScopes}. */
export interface ScopesNarrowed {
  readonly requested: string
  readonly granted: string
  readonly missingScopes: readonly string[]
}

type Fields = Readonly<Record<string, unknown>>

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const optional = (value: unknown, type: 'string' | 'boolean') =>
  value === undefined || typeof value === type

function isFhirContextItem(value: unknown): value is FhirContextItem {
  return (
    isObject(value) &&
    ['reference', 'canonical', 'type', 'role'].every((name) => optional(value[name], 'string')) &&
    (value.identifier === undefined || isObject(value.identifier))
  )
}

/** A FHIR id: what `patient` and `encounter` must be, so no app puts a path segment in a URL. */
const FHIR_ID = /^[A-Za-z0-9.-]{1,64}$/

const optionalId = (value: unknown) =>
  value === undefined || (typeof value === 'string' && FHIR_ID.test(value))

const words = (scope: string) => scope.split(' ').filter(Boolean)

const refuse = (field: string, type: string) =>
  new LoginError('token_response_invalid', `"${field}" must be ${type}`)

/**
 * Makes the login client's `tokenContext` for a SMART sign-in: reads the launch context from
 * each token response, field by field, and keeps what a refresh does not repeat.
 *
 * @param requested the scope the authorization request asked for
 * @param onScopesNarrowed called for each token response that grants less than was asked
 * @throws {LoginError} (from the returned function) `launch_patient_missing` when
 *   `launch/patient` was granted and `patient` is missing; `token_response_invalid` for a
 *   launch-context field of the wrong type
 */
export function smartTokenContext(
  requested: string,
  onScopesNarrowed?: ((report: ScopesNarrowed) => void) | undefined,
) {
  return (
    response: TokenEndpointResponse,
    previous: SessionContext | undefined,
  ): SessionContext => {
    const r: Fields = response
    const p: Fields = previous ?? {}
    for (const field of ['patient', 'encounter']) {
      if (!optionalId(r[field])) throw refuse(field, 'a FHIR id')
    }
    for (const field of ['smart_style_url', 'scope']) {
      if (!optional(r[field], 'string')) throw refuse(field, 'a string')
    }
    if (!optional(r.need_patient_banner, 'boolean')) {
      throw refuse('need_patient_banner', 'a boolean')
    }
    if (
      r.fhirContext !== undefined &&
      !(Array.isArray(r.fhirContext) && r.fhirContext.every(isFhirContextItem))
    ) {
      throw refuse('fhirContext', 'an array of context objects')
    }
    // RFC 6749 §5.1: no `scope` means the requested one; a refresh keeps the earlier grant.
    // Medblocks sends an empty `scope` with every token: it states nothing either.
    const scope = (r.scope || p.scope || requested) as string
    const granted = new Set(words(scope))
    const patient = r.patient ?? p.patient
    if (granted.has('launch/patient') && patient === undefined) {
      throw new LoginError(
        'launch_patient_missing',
        '"launch/patient" was granted but the token response has no "patient"',
      )
    }
    const missingScopes = words(requested).filter((item) => !granted.has(item))
    if (missingScopes.length > 0) onScopesNarrowed?.({ requested, granted: scope, missingScopes })
    return {
      patient,
      encounter: r.encounter ?? p.encounter,
      fhirContext: r.fhirContext ?? p.fhirContext ?? [],
      needPatientBanner: r.need_patient_banner ?? p.needPatientBanner ?? false,
      smartStyleUrl: r.smart_style_url ?? p.smartStyleUrl,
      scope,
      missingScopes,
    }
  }
}

/**
 * The launch context of a SMART client's snapshot, checked field by field (a context restored
 * from sessionStorage is read like any stored value).
 *
 * @param snapshot the login client's snapshot
 * @returns the launch context while signed in with SMART; `undefined` otherwise
 */
export function launchContext(snapshot: AuthSnapshot): LaunchContext | undefined {
  const c = snapshot.context
  if (snapshot.status !== 'signed-in' || c === undefined) return undefined
  const strings = (value: unknown) =>
    Array.isArray(value) && value.every((item) => typeof item === 'string')
  if (
    !optionalId(c.patient) ||
    !optionalId(c.encounter) ||
    !optional(c.smartStyleUrl, 'string') ||
    typeof c.scope !== 'string' ||
    typeof c.needPatientBanner !== 'boolean' ||
    !strings(c.missingScopes) ||
    !(Array.isArray(c.fhirContext) && c.fhirContext.every(isFhirContextItem))
  ) {
    return undefined
  }
  const fhirUser = snapshot.claims?.fhirUser
  return {
    patient: c.patient as string | undefined,
    encounter: c.encounter as string | undefined,
    fhirContext: c.fhirContext,
    needPatientBanner: c.needPatientBanner,
    smartStyleUrl: c.smartStyleUrl as string | undefined,
    scope: c.scope,
    missingScopes: c.missingScopes as readonly string[],
    fhirUser: typeof fhirUser === 'string' ? fhirUser : undefined,
  }
}
