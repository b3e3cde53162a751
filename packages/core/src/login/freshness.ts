import * as env from './env.ts'
import type { Session } from './session.ts'

/** Refresh this long before `expires_in` runs out, so a token never expires in flight. */
export const REFRESH_LEEWAY_MS = 60_000

/**
 * Whether the session's access token outlives the leeway; a token without `expires_in` is
 * used until a resource server refuses it.
 */
export function isFresh(session: Session): boolean {
  return session.expiresAt === undefined || env.now() < session.expiresAt - REFRESH_LEEWAY_MS
}
