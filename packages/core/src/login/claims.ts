import type { IdTokenClaims } from './session.ts'

/**
 * The standard OpenID Connect claims of the signed-in user, each kept only when it has its
 * standard JSON type, so these types are true. `iss`, `sub`, `aud`, `exp`, `iat` and `nonce`
 * were checked by the ID-token validation.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims
 */
export interface StandardClaims extends IdTokenClaims {
  readonly aud?: string | readonly string[]
  readonly exp?: number
  readonly iat?: number
  readonly auth_time?: number
  readonly nonce?: string
  readonly azp?: string
  readonly name?: string
  readonly given_name?: string
  readonly family_name?: string
  readonly middle_name?: string
  readonly nickname?: string
  readonly preferred_username?: string
  readonly profile?: string
  readonly picture?: string
  readonly website?: string
  readonly email?: string
  readonly email_verified?: boolean
  readonly gender?: string
  readonly birthdate?: string
  readonly zoneinfo?: string
  readonly locale?: string
  readonly phone_number?: string
  readonly phone_number_verified?: boolean
  readonly address?: Readonly<Record<string, unknown>>
  readonly updated_at?: number
}

const STRING = 'string'
const BOOLEAN = 'boolean'
const NUMBER = 'number'
const OBJECT = 'object'

/** The JSON type of each typed claim; `aud` was checked by the ID-token validation. */
const CLAIM_TYPES: Readonly<Record<string, string>> = {
  exp: NUMBER,
  iat: NUMBER,
  auth_time: NUMBER,
  updated_at: NUMBER,
  email_verified: BOOLEAN,
  phone_number_verified: BOOLEAN,
  address: OBJECT,
  nonce: STRING,
  azp: STRING,
  name: STRING,
  given_name: STRING,
  family_name: STRING,
  middle_name: STRING,
  nickname: STRING,
  preferred_username: STRING,
  profile: STRING,
  picture: STRING,
  website: STRING,
  email: STRING,
  gender: STRING,
  birthdate: STRING,
  zoneinfo: STRING,
  locale: STRING,
  phone_number: STRING,
}

/**
 * Reads the standard claims out of the ID-token claims: a claim whose value has another JSON
 * type than the standard one (a numeric `name`, a string `email_verified`) is left out, so each
 * typed field holds what its type says. Other claims pass through as `unknown`.
 *
 * @param claims the snapshot's `claims`
 * @returns the same claims, typed; `undefined` for `undefined`
 */
export function standardClaims(claims: IdTokenClaims): StandardClaims
export function standardClaims(claims: IdTokenClaims | undefined): StandardClaims | undefined
export function standardClaims(claims: IdTokenClaims | undefined): StandardClaims | undefined {
  if (claims === undefined) return undefined
  const kept: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(claims)) {
    const type = CLAIM_TYPES[name]
    if (type === undefined || (typeof value === type && value !== null)) kept[name] = value
  }
  return kept as StandardClaims
}
