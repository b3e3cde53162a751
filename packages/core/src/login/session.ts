import * as env from './env.ts'

/** Claims of the signed-in user, read from the ID token validated at the token endpoint. */
export interface IdTokenClaims {
  readonly iss: string
  readonly sub: string
  readonly [claim: string]: unknown
}

/** What a signed-in tab holds. Kept in memory; in sessionStorage only when opted in. */
export interface Session {
  readonly accessToken: string
  /** Epoch milliseconds; `undefined` when the server sent no `expires_in`. */
  readonly expiresAt: number | undefined
  readonly refreshToken: string | undefined
  /** Kept only as `id_token_hint` for end-session. */
  readonly idToken: string | undefined
  readonly claims: IdTokenClaims | undefined
  /** What the client's `tokenContext` option kept from the token responses (SMART's launch context). */
  readonly context?: SessionContext | undefined
}

/** Fields an app keeps from the token responses beside the tokens; JSON only, so it can be stored. */
export type SessionContext = Readonly<Record<string, unknown>>

const isOptionalString = (value: unknown): boolean =>
  value === undefined || typeof value === 'string'

/** Narrows a value read from storage or a BroadcastChannel to a {@link Session}. */
export function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  const claims = v.claims as Record<string, unknown> | null | undefined
  return (
    typeof v.accessToken === 'string' &&
    (v.expiresAt === undefined || typeof v.expiresAt === 'number') &&
    isOptionalString(v.refreshToken) &&
    isOptionalString(v.idToken) &&
    (v.context === undefined || (typeof v.context === 'object' && v.context !== null)) &&
    (claims === undefined ||
      (typeof claims === 'object' &&
        claims !== null &&
        typeof claims.iss === 'string' &&
        typeof claims.sub === 'string'))
  )
}

/** Reads an opted-in stored session, dropping anything malformed. */
export function readSession(key: string): Session | undefined {
  try {
    const value: unknown = JSON.parse(env.storage().getItem(key) ?? 'null')
    return isSession(value) ? value : undefined
  } catch {
    return undefined
  }
}
