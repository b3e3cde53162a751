import { InsecureEndpointError, InvalidArgumentError } from './errors.ts'

/**
 * Whether a URL's host is the loopback interface: `localhost`, `127.0.0.0/8` or `[::1]`.
 * Only there may credentials go over plain `http:` (local development and tests).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.3
 */
export function isLoopback(url: URL): boolean {
  const host = url.hostname
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host)
}

/**
 * Parses an endpoint and refuses anything but `https:`, or `http:` on loopback.
 *
 * @throws {InvalidArgumentError} when the value is not an absolute URL.
 * @throws {InsecureEndpointError} for another scheme, or `http:` off loopback.
 */
export function parseEndpoint(value: unknown, field: string): URL {
  let url: URL
  if (value instanceof URL) url = new URL(value.href)
  else if (typeof value === 'string' && URL.canParse(value)) url = new URL(value)
  else throw new InvalidArgumentError(`"${field}" must be an absolute URL`)
  assertSecureEndpoint(url, field)
  return url
}

/**
 * @throws {InsecureEndpointError} unless the URL is `https:`, or `http:` on loopback.
 */
export function assertSecureEndpoint(url: URL, field: string): void {
  if (url.protocol === 'https:') return
  if (url.protocol === 'http:' && isLoopback(url)) return
  throw new InsecureEndpointError(
    field,
    url.protocol === 'http:'
      ? `"${field}" must use https: outside loopback`
      : `"${field}" must be an https: URL`,
  )
}

/**
 * Parses a base URL (an origin with an optional path prefix).
 *
 * @throws {InvalidArgumentError} when it is not absolute or has a query or fragment.
 * @throws {InsecureEndpointError} as {@link parseEndpoint}.
 */
export function parseBaseUrl(baseUrl: unknown, field = 'baseUrl'): URL {
  const base = parseEndpoint(baseUrl, field)
  if (base.search !== '' || base.hash !== '') {
    throw new InvalidArgumentError(`"${field}" must not have a query or fragment`)
  }
  return base
}

/**
 * Joins a path onto a base URL kept as a prefix (`https://h/x` + `/oauth2/token` gives
 * `https://h/x/oauth2/token`), after checking the base.
 *
 * @throws {InvalidArgumentError} when the base has a query or fragment.
 * @throws {InsecureEndpointError} as {@link parseEndpoint}.
 */
export function joinBaseUrl(baseUrl: unknown, path: string, field = 'baseUrl'): URL {
  const base = parseBaseUrl(baseUrl, field)
  base.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`
  return base
}
