import { isSession, readSession, type Session } from './session.ts'

/** How long a tab waits for another tab's announced refresh before refreshing itself. */
export const REMOTE_REFRESH_WAIT_MS = 10_000

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
  /** Narrows a session another tab sent. */
  readonly isSession: (value: unknown) => value is Session
  /** Runs a refresh under a Web Lock the app's tabs share, or directly where there are none. */
  readonly lock: <T>(name: string, task: () => Promise<T>) => Promise<T>
  /** Tracks the refreshes of other tabs. */
  readonly remote: () => RemoteRefresh
}

function remoteRefresh(): RemoteRefresh {
  let pending: { promise: Promise<void>; end: () => void } | undefined
  return {
    start() {
      if (pending) return
      let end = () => {}
      const promise = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, REMOTE_REFRESH_WAIT_MS)
        end = () => {
          clearTimeout(timer)
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
    if (session) sessionStorage.setItem(key, JSON.stringify(session))
    else sessionStorage.removeItem(key)
  },
  isSession,
  async lock(name, task) {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
    return locks ? await locks.request(name, task) : task()
  },
  remote: remoteRefresh,
}
