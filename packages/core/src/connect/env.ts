/**
 * Everything the connection flow needs from the host: timers, event listeners, channels and
 * window navigation. One swappable object (TanStack Query's `timeoutManager` habit), so tests and
 * benchmarks can count what is alive and hosts without `window` can provide their own.
 */
export interface ConnectEnv {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(id: unknown): void
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(id: unknown): void
  /** Adds an event listener and returns the function that removes it. */
  listen(target: EventTarget, type: string, listener: (event: Event) => void): () => void
  /** Opens a `BroadcastChannel`, or returns `undefined` where there is none. */
  channel(name: string): BroadcastChannel | undefined
  /** `window.open`. */
  open(url: string, target: string, features: string): Window | null
  /** Sends the whole tab to a URL (redirect mode). */
  assign(url: string): void
  /** Closes the current window (the callback page). */
  close(): void
}

/** The environment in use. Read it at call time; never cache its methods. */
export const connectEnv: ConnectEnv = {
  // Looked up on each call so fake timers installed later still reach them.
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (id) => clearInterval(id as ReturnType<typeof setInterval>),
  listen(target, type, listener) {
    target.addEventListener(type, listener)
    return () => target.removeEventListener(type, listener)
  },
  channel: (name) =>
    typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : undefined,
  open: (url, target, features) => window.open(url, target, features),
  assign: (url) => window.location.assign(url),
  close: () => window.close(),
}

/**
 * Replaces parts of {@link connectEnv}, for tests, benchmarks and non-browser hosts.
 *
 * @param overrides the members to replace
 * @returns a function that restores the previous members
 */
export function setConnectEnv(overrides: Partial<ConnectEnv>): () => void {
  const previous = { ...connectEnv }
  Object.assign(connectEnv, overrides)
  return () => {
    Object.assign(connectEnv, previous)
  }
}
