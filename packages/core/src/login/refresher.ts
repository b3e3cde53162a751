import { LoginError } from './errors.ts'
import { isFresh } from './freshness.ts'
import type { Session } from './session.ts'
import type { SessionState } from './sessionState.ts'
import type { SharedSession } from './sessionStore.ts'

/**
 * The session with a fresh access token: refreshed first when it expires within the leeway, or
 * when `staleAccessToken` (a token a resource server refused) is still the current one. Tokens
 * another tab or call already replaced are not refreshed again; concurrent callers share one
 * refresh.
 */
export type Refresher = (staleAccessToken?: string) => Promise<Session>

/**
 * @param state the client's session
 * @param request sends one refresh token grant and makes the session that follows `current`
 * @param signOut ends the session everywhere, for a refresh token that is missing or refused
 * @param shared with `sessionStore`: the tabs' turns and the channel
 */
export function createRefresher(
  state: SessionState,
  request: (current: Session, refreshToken: string) => Promise<Session>,
  signOut: (error: LoginError) => void,
  shared: SharedSession | undefined,
): Refresher {
  let refreshing: Promise<Session> | undefined

  async function run(staleAccessToken: string): Promise<Session> {
    const current = state.session()
    if (!current) throw notSignedIn()
    if (current.accessToken !== staleAccessToken && isFresh(current)) return current
    const refreshToken = current.refreshToken
    if (!refreshToken) {
      const error = new LoginError('not_signed_in', 'access token expired, no "refresh_token"')
      signOut(error)
      throw error
    }
    const epoch = state.epoch()
    shared?.post({ type: 'refreshing' })
    try {
      const next = await request(current, refreshToken)
      // A sign-out, or another user's sign-in, while the request was out wins over its result.
      epoch()
      state.set(next)
      shared?.post({ type: 'session', session: next })
      return next
    } catch (error) {
      // After a refresh, `session` ends the other tabs' wait; after a failure, `idle` does.
      shared?.post({ type: 'idle' })
      epoch(error)
      if (error instanceof LoginError && error.code === 'invalid_grant') signOut(error)
      throw error
    }
  }

  return async (staleAccessToken) => {
    const current = state.session()
    if (!current) throw notSignedIn()
    if (!staleAccessToken && isFresh(current)) return current
    const stale = staleAccessToken ?? current.accessToken
    refreshing ??= (shared ? shared.run(() => run(stale)) : run(stale)).finally(() => {
      refreshing = undefined
    })
    return refreshing
  }
}

const notSignedIn = () => new LoginError('not_signed_in', 'nobody is signed in')
