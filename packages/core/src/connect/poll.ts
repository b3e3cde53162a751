import { connectEnv } from './env.ts'

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
