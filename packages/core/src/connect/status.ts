/** The status codes the b.well callback reports in `status_code`. */
export type StatusCode = 'success' | 'error' | 'cancelled' | 'expired' | 'unauthorized'

const STATUS_CODES: readonly string[] = ['success', 'error', 'cancelled', 'expired', 'unauthorized']

/** Narrows an unknown value to one of the five status codes, compared exactly (case-sensitive). */
export function isStatusCode(value: unknown): value is StatusCode {
  return typeof value === 'string' && STATUS_CODES.includes(value)
}

/**
 * Reads `status_code` from a completion URL's query. It must appear exactly once and be one of the
 * five codes, compared case-sensitively; anything else fails closed.
 *
 * @param search the query, as `URLSearchParams` or a `?a=b` string
 * @returns the status code, or `undefined` when it is missing, unknown or repeated
 */
export function parseStatusCode(search: URLSearchParams | string): StatusCode | undefined {
  const values = new URLSearchParams(search).getAll('status_code')
  const [value] = values
  return values.length === 1 && isStatusCode(value) ? value : undefined
}

/**
 * The toolkit's own completion message, sent by the app's callback page through `postMessage` and
 * `BroadcastChannel('oauth-connect:' + attemptId)`.
 */
export interface ConnectEnvelope {
  readonly type: 'oauth-connect'
  readonly version: 1
  readonly attemptId: string
  readonly statusCode: StatusCode
}

/**
 * Narrows message data to a {@link ConnectEnvelope}.
 *
 * @param data untrusted `event.data`
 * @returns the envelope, or `undefined` for anything else
 */
export function parseEnvelope(data: unknown): ConnectEnvelope | undefined {
  // Property reads are safe on any message data; `?.` covers null and undefined.
  const envelope = data as Partial<Record<keyof ConnectEnvelope, unknown>> | null | undefined
  return envelope?.type === 'oauth-connect' &&
    envelope.version === 1 &&
    typeof envelope.attemptId === 'string' &&
    isStatusCode(envelope.statusCode)
    ? (envelope as ConnectEnvelope)
    : undefined
}

/** Name of the `BroadcastChannel` one attempt listens on. */
export function channelName(attemptId: string): string {
  return `oauth-connect:${attemptId}`
}

/**
 * Reads a completion message: the hosted page's `'status-success'` / `'status-failure'`, or the
 * toolkit's envelope for one attempt.
 *
 * @param data untrusted message data
 * @param attemptId envelopes for other attempts are ignored
 * @returns the status code, `'failure'` for `'status-failure'`, or `undefined` to ignore
 */
export function parseCompletionMessage(
  data: unknown,
  attemptId: string,
): StatusCode | 'failure' | undefined {
  if (data === 'status-success') return 'success'
  if (data === 'status-failure') return 'failure'
  const envelope = parseEnvelope(data)
  return envelope?.attemptId === attemptId ? envelope.statusCode : undefined
}
