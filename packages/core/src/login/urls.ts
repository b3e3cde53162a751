import { InvalidArgumentError } from '../errors.ts'

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/

/**
 * Whether `url` may be used for an authorization-server or resource request: `https:`, or
 * `http:` on a loopback host when the caller opted in. Plain http elsewhere would expose codes
 * and tokens on the wire.
 */
export function isAllowedUrl(url: URL, allowInsecureLoopback: boolean): boolean {
  return (
    url.protocol === 'https:' ||
    (allowInsecureLoopback && url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname))
  )
}

/** Parses an option that must be an allowed absolute URL, or throws an argument error. */
export function parseUrlOption(value: unknown, field: string, allowInsecureLoopback: boolean): URL {
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined
  if (url && isAllowedUrl(url, allowInsecureLoopback)) return url
  throw new InvalidArgumentError(
    `"${field}" must be an absolute https: URL (or http: on a loopback host with "allowInsecureLoopback")`,
  )
}

/**
 * Reduces a return target to a path on the app's own origin, or `undefined` when it points
 * anywhere else (`//evil`, `/\evil`, `https://app@evil`, `javascript:`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.11 open redirection
 */
export function toSameOriginPath(value: unknown, origin: string): string | undefined {
  // The browser's own URL parser decides: it is what location.assign will use.
  if (typeof value !== 'string' || !URL.canParse(value, origin)) return undefined
  const url = new URL(value, origin)
  // A path that starts with "//" would be read as another host when assigned to location.
  if (url.origin !== origin || url.pathname.startsWith('//')) return undefined
  return url.pathname + url.search + url.hash
}
