import { TokenRequestError, TokenResponseError } from './errors.ts'

/** A token endpoint's answer, checked field by field. */
export interface ParsedTokenResponse {
  readonly accessToken: string
  readonly tokenType: 'Bearer'
  readonly expiresIn: number | undefined
  readonly scope: string | undefined
}

/** A JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// RFC 6749 §5.2: the "error" value is limited to this set; anything else is not repeated.
const ERROR_CODE = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,100}$/
// RFC 6750 §2.1 b64token is stricter; visible ASCII keeps header injection out without
// refusing tokens that real servers issue.
const VISIBLE_ASCII = /^[\x21-\x7E]+$/

async function readJson(
  response: Response,
): Promise<{ ok: true; value: unknown } | { ok: false; cause: unknown }> {
  let text: string
  try {
    text = await response.text()
  } catch (cause) {
    return { ok: false, cause }
  }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (cause) {
    return { ok: false, cause }
  }
}

/**
 * Turns a token endpoint response into a checked token, or throws.
 *
 * @param response The token endpoint's HTTP response.
 * @param redact Scrubs a credential from server-supplied text kept on the error (`error` and
 *   `error_description` are the only fields of an error body that are kept).
 * @returns The fields of the access token response.
 * @throws {TokenRequestError} when the status is not 200 (with the server's `error` fields).
 * @throws {TokenResponseError} when a 200 body is not a valid access token response.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export async function parseTokenResponse(
  response: Response,
  redact: (text: string) => string = (text) => text,
): Promise<ParsedTokenResponse> {
  if (response.status !== 200) {
    const body = await readJson(response)
    const fields = body.ok && isJsonObject(body.value) ? body.value : {}
    // Redacted before the check: an echoed secret can look like a valid error code.
    const redactedError = typeof fields.error === 'string' ? redact(fields.error) : undefined
    const error =
      redactedError !== undefined && ERROR_CODE.test(redactedError) ? redactedError : undefined
    const errorDescription =
      typeof fields.error_description === 'string' ? redact(fields.error_description) : undefined
    throw new TokenRequestError(
      `token endpoint answered HTTP ${response.status}${error === undefined ? '' : ` with "error" ${error}`}`,
      {
        status: response.status,
        ...(error === undefined ? {} : { error }),
        ...(errorDescription === undefined ? {} : { errorDescription }),
      },
    )
  }
  const body = await readJson(response)
  if (!body.ok) {
    throw new TokenResponseError('body', 'token response "body" is not valid JSON', {
      cause: body.cause,
    })
  }
  const json = body.value
  if (!isJsonObject(json)) {
    throw new TokenResponseError('body', 'token response "body" must be a JSON object')
  }
  const accessToken = json.access_token
  if (typeof accessToken !== 'string' || !VISIBLE_ASCII.test(accessToken)) {
    throw new TokenResponseError(
      'access_token',
      'token response "access_token" must be a non-empty string of visible ascii characters',
    )
  }
  const tokenType = json.token_type
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
    throw new TokenResponseError('token_type', 'token response "token_type" must be "Bearer"')
  }
  const expiresIn = json.expires_in
  if (
    expiresIn !== undefined &&
    (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0)
  ) {
    throw new TokenResponseError(
      'expires_in',
      'token response "expires_in" must be a non-negative number',
    )
  }
  const scope = json.scope
  if (scope !== undefined && typeof scope !== 'string') {
    throw new TokenResponseError('scope', 'token response "scope" must be a string')
  }
  return { accessToken, tokenType: 'Bearer', expiresIn, scope }
}
