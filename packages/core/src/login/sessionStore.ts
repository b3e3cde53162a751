import * as env from './env.ts'
import { isSession, readSession, type Session } from './session.ts'
import type { SessionState } from './sessionState.ts'
import type { TabMessage, TabMessageData } from './tabSync.ts'

/** How long a tab waits for another tab's announced refresh before refreshing itself. */
export const REMOTE_REFRESH_WAIT_MS = 10_000

/**
 * How long a tab that started with a stored session listens for the other tabs' sessions before
 * its first refresh (once per tab).
 */
export const ASK_WAIT_MS = 100

/** Refreshes other tabs announced over the client's BroadcastChannel. */
export interface RemoteRefresh {
  /** Another tab announced a refresh. */
  readonly start: () => void
  /** It ended (or the tab said anything else); waiting callers go on. */
  readonly end: () => void
  /** Settles when the announced refresh ends, or after {@link REMOTE_REFRESH_WAIT_MS}. */
  readonly wait: () => Promise<void> | undefined
}

/**
 * Where a login client keeps its session beside memory, and how tabs share it. Pass
 * {@link sessionStore} as the client's `storage` option; left out, none of this is bundled.
 */
export interface SessionStore {
  /** This tab's stored session, or `undefined` when none or malformed. */
  readonly read: (key: string) => Session | undefined
  /** Stores the session, or removes it for `undefined`. */
  readonly write: (key: string, session: Session | undefined) => void
  /**
   * Shares the client's session with its other tabs: what they post goes to `receive` (a new or
   * refreshed session is adopted), and refreshes run under the Web Lock `lock`, after any refresh
   * another tab announced.
   */
  readonly share: (
    state: SessionState,
    post: (message: TabMessage) => void,
    lock: string,
  ) => SharedSession
}

/** A session shared with the client's other tabs. */
export interface SharedSession {
  /** Runs a refresh when it is this tab's turn: under the Web Lock, after other tabs' refreshes. */
  readonly run: <T>(task: () => Promise<T>) => Promise<T>
  /** Tells the other tabs. */
  readonly post: (message: TabMessage) => void
  /** Handles an object another tab posted. */
  readonly receive: (message: TabMessageData) => void
  /** Stops waiting for other tabs (the client's `close()`). */
  readonly end: () => void
}

/** Tracks the refreshes other tabs announce. */
export function remoteRefresh(): RemoteRefresh {
  let pending: { promise: Promise<void>; end: () => void } | undefined
  return {
    start() {
      if (pending) return
      let end = () => {}
      const promise = new Promise<void>((resolve) => {
        const cancel = env.timeout(resolve, REMOTE_REFRESH_WAIT_MS)
        end = () => {
          cancel()
          resolve()
        }
      })
      pending = { promise, end }
    },
    end() {
      pending?.end()
      pending = undefined
    },
    wait: () => pending?.promise,
  }
}

/**
 * Keeps the session in sessionStorage too, so a reload of the tab stays signed in, and shares it
 * with the app's other tabs: each rotated refresh token goes to every tab over the client's
 * BroadcastChannel, and refreshes take turns through Web Locks, so no tab replays a rotated
 * refresh token (which makes the server revoke the whole grant). Never localStorage or cookies.
 */
export const sessionStore: SessionStore = {
  read: readSession,
  write(key, session) {
    if (session) env.storage().setItem(key, JSON.stringify(session))
    else env.storage().removeItem(key)
  },
  share(state, post, lock) {
    const remote = remoteRefresh()
    // A reloaded or duplicated tab starts with the stored session, whose refresh token another
    // tab may have rotated while this one was loading (and not yet listening). Before its first
    // refresh it asks the open tabs for theirs and adopts a fresher one of the same user.
    let ask = state.session() !== undefined
    let stopAsking = () => {}
    return {
      post,
      run: (task) =>
        env.lock(lock, async () => {
          if (ask) {
            ask = false
            post({ type: 'ask' })
            await new Promise<void>((resolve) => {
              const cancel = env.timeout(resolve, ASK_WAIT_MS)
              stopAsking = () => {
                cancel()
                resolve()
              }
            })
          }
          // Another tab may be rotating the refresh token right now; its result arrives over the
          // channel, and replaying the old token would make the server revoke the grant.
          await remote.wait()
          return task()
        }),
      receive(message) {
        if (message.type === 'refreshing') return remote.start()
        remote.end()
        const current = state.session()
        if (message.type === 'ask') {
          if (current) post({ type: 'current', session: current })
          return
        }
        if (!isSession(message.session)) return
        // Another tab signed in or rotated the refresh token: adopt it, so this tab never
        // replays the rotated one.
        if (message.type === 'signed-in') state.renew(message.session)
        else if (message.type === 'session') state.set(message.session)
        else if (message.type === 'current' && isNewer(message.session, current)) {
          state.set(message.session)
        }
      },
      end() {
        remote.end()
        stopAsking()
      },
    }
  },
}

/**
 * Whether a session another tab holds replaces this tab's: the same user's, and issued later
 * (its access token expires later). Without `expires_in` on both, nothing tells, so nothing is
 * adopted.
 */
function isNewer(next: Session, current: Session | undefined): boolean {
  return (
    current?.expiresAt !== undefined &&
    next.expiresAt !== undefined &&
    next.expiresAt > current.expiresAt &&
    next.claims?.sub === current.claims?.sub &&
    next.claims?.iss === current.claims?.iss
  )
}
