import { assertArgument } from './errors.ts'

declare const process: { env: Record<string, string | undefined> }

/**
 * Normalizes configured origins to `scheme://host[:port]` so that a message's `event.origin` can be
 * compared by exact string equality.
 *
 * @param origins the configured origins
 * @returns the normalized origins
 * @throws {InvalidArgumentError} when one is not a URL or has an opaque (`"null"`) origin
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.17
 */
export function normalizeOrigins(origins: readonly string[]): readonly string[] {
  return origins.map((value) => {
    const origin = URL.canParse(value) ? new URL(value).origin : 'null'
    assertArgument(origin !== 'null', 'allowedOrigins')
    if (
      typeof process !== 'undefined' &&
      process.env.NODE_ENV !== 'production' &&
      origin !== value
    ) {
      console.warn(
        `[oauth-connect] "allowedOrigins" entry ${JSON.stringify(value)} is not an origin; using ${JSON.stringify(origin)}`,
      )
    }
    return origin
  })
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/

/**
 * Checks a provider redirect URL before it may be assigned to the popup, which shares the app's
 * origin while blank: a `javascript:` URL there would run in the app.
 *
 * @param value the untrusted URL
 * @param allowedHosts when given, the only hostnames accepted
 * @returns the parsed URL, or `undefined` when it is not absolute `https:` (or `http:` on a
 *   loopback host) or its host is not allowed
 */
export function checkRedirectUrl(
  value: unknown,
  allowedHosts?: readonly string[],
): URL | undefined {
  // canParse stringifies: null, numbers and plain objects never parse; a URL object may.
  if (!URL.canParse(value as string)) return undefined
  const url = new URL(value as string)
  const safe =
    url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname))
  return safe && (!allowedHosts || allowedHosts.includes(url.hostname)) ? url : undefined
}

/**
 * Resolves a return path or callback URL against the app's origin, refusing anything that leaves
 * it: `//evil`, `/\evil`, `https://app@evil`, `javascript:`.
 *
 * @param value a path (`/a?b#c`) or an absolute URL on `origin`
 * @param origin the app's own origin
 * @returns the URL, or `undefined` when it is not on `origin`
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.11
 */
export function sameOriginUrl(value: unknown, origin: string): URL | undefined {
  // The URL parser already turns `//evil`, `/\evil` and `https://app@evil` into another origin,
  // and `javascript:` into "null"; comparing origins refuses them all.
  const url = URL.canParse(value as string, origin) ? new URL(value as string, origin) : undefined
  return url?.origin === origin ? url : undefined
}
