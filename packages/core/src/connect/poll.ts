import type { Channel } from './channel.ts'
import { connectEnv } from './env.ts'
import { parseStatusCode } from './status.ts'

declare const process: { env: Record<string, string | undefined> }

/** Options of {@link pollLocation}. */
export interface PollOptions<T> {
  /** Reads the popup's URL; `undefined` while it is cross-origin. */
  readonly read: () => string | undefined
  /**
   * The completion URL. Only a location with its origin and path, carrying each of its query
   * parameters exactly once with the same value, is parsed.
   */
  readonly completionUrl: string | URL
  /** Reads the result from the completion URL; `undefined` keeps polling. */
  readonly parse: (url: URL) => T | undefined
  /** Called once with the first result; polling stops first. */
  readonly onResult: (value: T) => void
  /** Default 500. */
  readonly intervalMs?: number
}

/**
 * Polls a popup's location until it reaches the completion URL. Only works where the completion URL
 * shares the app's origin (a custom redirect) or the host can read a web view's URL.
 *
 * @param options reader, completion URL, parser and callback
 * @returns a disposer that stops polling
 */
export function pollLocation<T>(options: PollOptions<T>): () => void {
  const { read, parse, onResult, intervalMs = 500 } = options
  const expected = new URL(options.completionUrl)
  if (
    typeof process !== 'undefined' &&
    process.env.NODE_ENV !== 'production' &&
    typeof location !== 'undefined' &&
    expected.origin !== location.origin
  ) {
    console.warn(
      `[oauth-connect] polling a cross-origin completion URL (${expected.origin}) never succeeds; use a custom redirect on ${location.origin} or the message channel`,
    )
  }
  const id = connectEnv.setInterval(() => {
    const href = read()
    if (href === undefined) return
    // A window's location is always a valid URL; about:blank included.
    const url = new URL(href)
    // String() of getAll() differs from the wanted value when it is missing or repeated.
    if (
      url.origin + url.pathname !== expected.origin + expected.pathname ||
      [...expected.searchParams].some(
        ([name, wanted]) => String(url.searchParams.getAll(name)) !== wanted,
      )
    ) {
      return
    }
    const value = parse(url)
    if (value === undefined) return
    connectEnv.clearInterval(id)
    onResult(value)
  }, intervalMs)
  return () => connectEnv.clearInterval(id)
}

/**
 * The poll channel: reads the attempt's own popup until it reaches `callbackUrl`, then its
 * `status_code`. The window is the attempt's own, so a URL registered with the provider, which
 * comes back without `attempt`, is read as well; a URL naming another attempt is not. It only works
 * while the popup can be read (no COOP on the provider page), and the callback page must leave the
 * URL alone for it: `completeConnection` does for an attempt that only polls.
 */
export const pollChannel: Channel = {
  name: 'poll',
  survivesCoop: false,
  start: ({ attemptId, popup, callbackUrl, pollIntervalMs, report }) =>
    pollLocation({
      read() {
        try {
          return popup.window.location.href
        } catch {
          // Cross-origin (SecurityError) until the popup is back on the app's origin.
        }
      },
      completionUrl: callbackUrl,
      intervalMs: pollIntervalMs,
      parse: (url) => {
        const ids = url.searchParams.getAll('attempt')
        // Another attempt's id (or several) in our window: not ours to read.
        if (ids.length > 1 || (ids[0] ?? attemptId) !== attemptId) return undefined
        // null, not undefined: an invalid status_code at the completion URL ends the attempt.
        // Without `attempt` or `status_code` the page may be a callback page that has already
        // reported and stripped them: keep polling rather than guess.
        return (
          parseStatusCode(url.search) ??
          (ids.length || url.searchParams.has('status_code') ? null : undefined)
        )
      },
      onResult: (code) => report(code ?? undefined),
    }),
}
