import { OAuthConnectError } from '@oauth-connect/core/connect'

/** Stable codes of {@link BwellError}. */
export type BwellErrorCode =
  /** The response carried GraphQL `errors` (with null or partial data). See `graphqlCode`. */
  | 'graphql_error'
  /** A non-2xx response without GraphQL errors. See `status`. */
  | 'http_error'
  /** A 2xx response that is not JSON, or whose data misses or mistypes a field. */
  | 'invalid_response'
  /** The request never got a response (network, CORS, abort). */
  | 'network_error'
  /** `getAccessToken` threw or returned no token. */
  | 'no_access_token'

/** A failed b.well GraphQL operation. */
export class BwellError extends OAuthConnectError<BwellErrorCode> {
  override name = 'BwellError'
  /** The first GraphQL error's `extensions.code`, e.g. `UNAUTHENTICATED`, `NOT_FOUND`, `BAD_USER_INPUT`. */
  readonly graphqlCode: string | undefined
  /** The HTTP status, when there was a response. */
  readonly status: number | undefined

  constructor(
    code: BwellErrorCode,
    message: string,
    options: {
      cause?: unknown
      graphqlCode?: string | undefined
      status?: number | undefined
    } = {},
  ) {
    super(code, message, { cause: options.cause })
    this.graphqlCode = options.graphqlCode
    this.status = options.status
  }
}
