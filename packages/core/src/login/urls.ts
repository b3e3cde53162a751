import { checkRedirectUrl, sameOriginUrl } from '../connect/urls.ts'
import { InvalidArgumentError } from '../errors.ts'

/**
 * Whether `url` may be used for an authorization-server or resource request: `https:`, or
 * `http:` on a loopback host when the caller opted in. Plain http elsewhere would expose codes
 * and tokens on the wire.
 */
export function isAllowedUrl(url: URL, allowInsecureLoopback: boolean): boolean {
  // The connection flow's rule (https:, or http: on loopback), with http: only when opted in.
  return url.protocol === 'https:' || (allowInsecureLoopback && !!checkRedirectUrl(url.href))
}

/** Parses an option that must be an allowed absolute URL, or throws an argument error. */
export function parseUrlOption(value: unknown, field: string, allowInsecureLoopback: boolean): URL {
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined
  if (url && isAllowedUrl(url, allowInsecureLoopback)) return url
  throw new InvalidArgumentError(
    `"${field}" must be an https: URL (http: on loopback with "allowInsecureLoopback")`,
  )
}

/**
 * Reduces a return target to a path on the app's own origin, or `undefined` when it points
 * anywhere else (`//evil`, `/\evil`, `https://app@evil`, `javascript:`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.11 open redirection
 */
export function toSameOriginPath(value: unknown, origin: string): string | undefined {
  const url = sameOriginUrl(value, origin)
  // A path that starts with "//" would be read as another host when given to a router.
  return url && !url.pathname.startsWith('//') ? url.pathname + url.search + url.hash : undefined
}

/** `base` with each defined, non-empty parameter set (authorization and end-session URLs). */
export function withParams(base: string, params: Record<string, string | undefined>): URL {
  const url = new URL(base)
  for (const [name, value] of Object.entries(params)) {
    if (value) url.searchParams.set(name, value)
  }
  return url
}
