import { LoginError } from './errors.ts'
import type { AuthSnapshot, AuthStatus } from './loginClient.ts'
import type { Session } from './session.ts'
import type { SessionStore } from './sessionStore.ts'

/**
 * A login client's one session, its published snapshot, and the generation that makes late
 * answers harmless: every sign-in and sign-out starts a new generation, and a token request or
 * resource call checks, before it uses its answer, that the generation it started in still holds.
 */
/** Throws `session_changed` when a sign-in or sign-out came since it was made. */
export type Epoch = (cause?: unknown) => void

export interface SessionState {
  /** The session, or `undefined` when nobody is signed in. */
  readonly session: () => Session | undefined
  /**
   * Starts watching the current generation: the function it returns throws `session_changed`
   * (with `cause`) once a sign-in or sign-out came since. Call it after each await.
   */
  readonly epoch: () => Epoch
  /** Publishes a new snapshot with the session's claims and context. */
  readonly publish: (status: AuthStatus, error?: LoginError) => void
  /**
   * Reports a failure without signing out a user who is signed in; nothing when a sign-in or
   * sign-out came since `started` (the state is that one's).
   */
  readonly fail: (error: LoginError, epoch: Epoch) => void
  /** Replaces the session of this generation (a refresh). */
  readonly set: (next: Session | undefined, error?: LoginError) => void
  /** Starts a new generation with `next` (a sign-in) or with nobody (a sign-out). */
  readonly renew: (next: Session | undefined, error?: LoginError) => void
  readonly subscribe: (listener: () => void) => () => void
  readonly getSnapshot: () => AuthSnapshot
}

/**
 * Holds the session in memory, and in `store` when one is given (read back from it at creation).
 *
 * @param store the client's `storage` option when it is `sessionStore`
 * @param key where `store` keeps the session
 */
export function createSessionState(store: SessionStore | undefined, key: string): SessionState {
  let session = store?.read(key)
  let generation = 0
  let snapshot: AuthSnapshot
  const listeners = new Set<() => void>()

  const publish = (status: AuthStatus, error?: LoginError) => {
    snapshot = { status, claims: session?.claims, context: session?.context, error }
    for (const listener of [...listeners]) listener()
  }
  const set = (next: Session | undefined, error?: LoginError) => {
    session = next
    store?.write(key, next)
    publish(next ? 'signed-in' : 'signed-out', error)
  }
  publish(session ? 'signed-in' : 'signed-out')

  return {
    session: () => session,
    epoch() {
      const started = generation
      return (cause) => {
        if (generation !== started) {
          throw new LoginError('session_changed', 'session changed; result discarded', { cause })
        }
      }
    },
    publish,
    fail(error, epoch) {
      try {
        epoch()
      } catch {
        return
      }
      publish(session ? 'signed-in' : 'error', error)
    },
    set,
    renew(next, error) {
      generation++
      set(next, error)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    getSnapshot: () => snapshot,
  }
}
