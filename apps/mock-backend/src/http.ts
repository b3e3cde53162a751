import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** Largest request body any stand-in reads; anything bigger is refused before parsing. */
const maxBodyBytes = 64 * 1024

/** A request body that could not be read or parsed; answered as `400 invalid_request`. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError'
  readonly code = 'invalid_request'
}

/** Sends a JSON body with the given status and extra headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
): void {
  res.writeHead(status, {
    'content-type': `${contentType}; charset=utf-8`,
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(JSON.stringify(body))
}

/**
 * Sends an OAuth 2.0 error response. `invalid_client` carries a `WWW-Authenticate` challenge.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function sendOAuthError(
  res: ServerResponse,
  status: number,
  error: string,
  description: string,
): void {
  const headers: Record<string, string> =
    status === 401 ? { 'www-authenticate': 'Basic realm="token"' } : {}
  sendJson(
    res,
    status,
    { error, error_description: description },
    { pragma: 'no-cache', ...headers },
  )
}

/** Sends a complete HTML document with a restrictive policy; `nonce` unlocks its inline script. */
export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  options: { nonce?: string; headers?: Record<string, string> } = {},
): void {
  const script = options.nonce ? `'nonce-${options.nonce}'` : "'none'"
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; script-src ${script}; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    ...options.headers,
  })
  res.end(html)
}

/**
 * Sends a FHIR `401` for a missing or bad bearer token.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function sendInvalidToken(res: ServerResponse, description?: string): void {
  const detail = description ? `, error_description="${description}"` : ''
  sendJson(
    res,
    401,
    {
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'error', code: 'login', ...(description ? { diagnostics: description } : {}) },
      ],
    },
    { 'www-authenticate': `Bearer error="invalid_token"${detail}` },
    'application/fhir+json',
  )
}

/** A small, self-contained HTML document: no external resources, escaped title. */
export function htmlPage(title: string, body: string, css: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${css}</style></head>
<body><main>${body}</main></body></html>`
}

/**
 * Finds the entry whose id and secret both match. Every entry is compared, in constant time,
 * whatever the input, so the answer time says nothing about which part was wrong or which ids
 * exist.
 */
export function findByCredentials<T>(
  entries: readonly T[],
  credentialsOf: (entry: T) => { id: string; secret: string },
  id: string,
  secret: string,
): T | undefined {
  let found: T | undefined
  for (const entry of entries) {
    const expected = credentialsOf(entry)
    const idOk = safeEqual(id, expected.id)
    const secretOk = safeEqual(secret, expected.secret)
    if (idOk && secretOk) found = entry
  }
  return found
}

/** Sends a redirect (303 so a POSTed form lands as a GET). */
export function redirect(res: ServerResponse, location: string, status = 303): void {
  res.writeHead(status, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' })
  res.end()
}

/** The JSON 404 every stand-in gives for an unknown route. */
export function notFound(res: ServerResponse): void {
  sendJson(res, 404, { error: 'not_found' })
}

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Serialises a value for a `<script>` block so no string in it can close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, '')
}

/**
 * Compares two secrets in constant time. Both sides are hashed first so neither the length nor
 * the content of the expected value leaks through timing.
 */
export function safeEqual(actual: string, expected: string): boolean {
  const a = createHash('sha256').update(actual).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/** Reads the raw body, refusing anything over the size limit. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += buffer.length
    if (size > maxBodyBytes) throw new BadRequestError('request body too large')
    chunks.push(buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

/**
 * Reads an `application/x-www-form-urlencoded` body. Parameters must not repeat.
 * @throws {BadRequestError} for another content type or a repeated parameter
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export async function readForm(req: IncomingMessage): Promise<Map<string, string>> {
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    throw new BadRequestError('content-type must be application/x-www-form-urlencoded')
  }
  const params = new URLSearchParams(await readBody(req))
  const form = new Map<string, string>()
  for (const [key, value] of params) {
    if (form.has(key)) throw new BadRequestError(`"${key}" parameter must not be repeated`)
    form.set(key, value)
  }
  return form
}

/** Narrows a parsed JSON value to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Reads an `application/json` body holding an object.
 * @throws {BadRequestError} for another content type, invalid JSON or a non-object
 */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (mediaType(req) !== 'application/json') {
    throw new BadRequestError('content-type must be application/json')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(await readBody(req))
  } catch (cause) {
    throw new BadRequestError('body must be valid JSON', { cause })
  }
  if (!isRecord(parsed)) throw new BadRequestError('body must be a JSON object')
  return parsed
}

/** Reads the `Authorization: Bearer …` token, or `undefined` when there is none. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(req.headers.authorization ?? '')
  return match?.[1]
}

/**
 * Reads HTTP Basic client credentials, form-decoding both parts.
 * @returns `undefined` when the header is absent or not Basic
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function basicCredentials(req: IncomingMessage): { id: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(req.headers.authorization ?? '')
  if (!match?.[1]) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  try {
    const id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '))
    const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '))
    return { id, secret }
  } catch {
    return undefined
  }
}

/**
 * Answers CORS for a browser-facing route. Only `allowedOrigin` is ever echoed.
 * @returns `true` when the request was a preflight and has been answered
 */
export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  allowedOrigin: string,
  methods = 'GET, POST, OPTIONS',
): boolean {
  const origin = req.headers.origin
  res.setHeader('vary', 'Origin')
  if (origin === allowedOrigin) {
    res.setHeader('access-control-allow-origin', origin)
    res.setHeader('access-control-expose-headers', 'WWW-Authenticate')
  }
  if (req.method !== 'OPTIONS') return false
  if (origin === allowedOrigin) {
    res.setHeader('access-control-allow-methods', methods)
    res.setHeader('access-control-allow-headers', 'Authorization, Content-Type, Accept')
    res.setHeader('access-control-max-age', '600')
  }
  res.writeHead(204)
  res.end()
  return true
}

/** The request's path without its query. */
export function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname
}
