/**
 * Everything the login client needs from the host beside `fetch`: the clock, timers, the
 * BroadcastChannel to the app's other tabs, Web Locks and sessionStorage. One swappable
 * environment, like the connection flow's `connectEnv`, so tests and the leak benchmark can count
 * what is alive and hosts without them can provide their own: replace members with
 * {@link setLoginEnv}. Each member is its own binding, so an app bundles only the ones it uses.
 */
export interface LoginEnv {
  /** Milliseconds since the epoch (`Date.now`). */
  readonly now: () => number
  /** Calls `callback` after `ms` (`setTimeout`); returns the function that cancels it. */
  readonly timeout: (callback: () => void, ms: number) => () => void
  /** Opens a `BroadcastChannel`, or returns `undefined` where there is none. */
  readonly channel: (name: string) => BroadcastChannel | undefined
  /** Runs `task` holding the Web Lock `name` the app's tabs share, or directly where there are none. */
  readonly lock: <T>(name: string, task: () => Promise<T>) => Promise<T>
  /** The tab's sessionStorage: sign-in attempts, and sessions with `sessionStore`. */
  readonly storage: () => Storage
}

// Globals are looked up on each call, so fake timers installed later still reach them.
export let now: LoginEnv['now'] = () => Date.now()

export let timeout: LoginEnv['timeout'] = (callback, ms) => {
  const id = setTimeout(callback, ms)
  return () => clearTimeout(id)
}

export let channel: LoginEnv['channel'] = (name) =>
  typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : undefined

export let lock: LoginEnv['lock'] = async (name, task) =>
  await (globalThis.navigator?.locks?.request(name, task) ?? task())

export let storage: LoginEnv['storage'] = () => sessionStorage

/** The members in use now. */
export function loginEnv(): LoginEnv {
  return { now, timeout, channel, lock, storage }
}

/**
 * Replaces members of the login environment, for tests, benchmarks and non-browser hosts.
 * Clients read it at call time, so a replacement reaches clients that already exist.
 *
 * @param overrides the members to replace
 * @returns a function that restores the previous members
 */
export function setLoginEnv(overrides: Partial<LoginEnv>): () => void {
  const previous = loginEnv()
  const apply = (env: Partial<LoginEnv>) => {
    now = env.now ?? now
    timeout = env.timeout ?? timeout
    channel = env.channel ?? channel
    lock = env.lock ?? lock
    storage = env.storage ?? storage
  }
  apply(overrides)
  return () => apply(previous)
}
