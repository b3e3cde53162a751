import { OAuthConnectError } from '@oauth-connect/core/connect'
import type { OperationOutcomeIssue } from './types.ts'

/** Stable codes of {@link BwellError}. */
export type BwellErrorCode =
  /** b.well answered with GraphQL `errors`; see `graphqlCode`, `issues` and the partial `data`. */
  | 'graphql_error'
  /**
   * b.well refused the session: `getToken` or `refresh` failed, or a security error came back
   * again after one re-authentication. Signing in again is the fix; retrying is not.
   */
  | 'unauthorized'
  /** A non-2xx response without GraphQL errors; see `status`. */
  | 'http_error'
  /** A 2xx response that is not a GraphQL result, or whose data misses or mistypes a field. */
  | 'invalid_response'
  /** The request never got a response (network, CORS). */
  | 'network_error'
  /** No response within `timeoutMs`. */
  | 'timeout'
  /** The caller's `signal` aborted the request. */
  | 'aborted'
  /** `getIdentityToken` threw or returned no token; nothing was sent. */
  | 'no_identity_token'
  /** The session was dropped (`signOut`, `clear`, another user) while this request waited for it. */
  | 'session_ended'

/** Options of the {@link BwellError} constructor. */
export interface BwellErrorOptions {
  readonly cause?: unknown
  readonly operation?: string | undefined
  readonly status?: number | undefined
  readonly graphqlCode?: string | undefined
  readonly issues?: readonly OperationOutcomeIssue[]
  readonly data?: unknown
}

/** A failed b.well operation. Every method of the b.well client rejects only with this. */
export class BwellError extends OAuthConnectError<BwellErrorCode> {
  override name = 'BwellError' as const
  /** The GraphQL operation, e.g. `getOauthUrl`. */
  readonly operation: string | undefined
  /** The HTTP status, when there was a response. */
  readonly status: number | undefined
  /** The first GraphQL error's `extensions.code`, an HTTP-like string such as `"401"` or `"404"`. */
  readonly graphqlCode: string | undefined
  /** The issues of the `OperationOutcome` in the errors' `extensions.resource`, in order. */
  readonly issues: readonly OperationOutcomeIssue[]
  /** The `data` b.well returned beside its errors (possibly partial), or `undefined`. */
  readonly data: unknown

  constructor(code: BwellErrorCode, message: string, options: BwellErrorOptions = {}) {
    super(code, message, { cause: options.cause })
    this.operation = options.operation
    this.status = options.status
    this.graphqlCode = options.graphqlCode
    this.issues = options.issues ?? []
    this.data = options.data
  }

  /** b.well's security error: `extensions.code` `"401"` or an issue with code `security`. */
  get isSecurity(): boolean {
    return this.graphqlCode === '401' || this.issues.some((issue) => issue.code === 'security')
  }
}

/** Whether b.well answered with its security error: it refused the session, not the request. */
export function isSecurityError(error: unknown): error is BwellError {
  return error instanceof BwellError && error.code === 'graphql_error' && error.isSecurity
}

/** A security error that a new session cannot fix, as `unauthorized`, keeping what b.well said. */
export function unauthorized(error: BwellError, operation: string, message: string): BwellError {
  const { status, graphqlCode, issues, data } = error
  return new BwellError('unauthorized', message, {
    cause: error,
    operation,
    status,
    graphqlCode,
    issues,
    data,
  })
}

const CLIENT_ERROR = /^4\d\d$/

/**
 * Whether a failure may go away when the same request is sent again: network failures, timeouts,
 * 5xx and b.well's `exception` / `timeout` issues. A 4xx (`value`, `security`, `forbidden`,
 * `not-found`), an unreadable response, a refused session or an abort will not, so the hooks do
 * not retry them.
 *
 * @param error anything a query rejected with
 * @returns `true` when a retry can help
 */
export function isRetryableBwellError(error: unknown): boolean {
  if (!(error instanceof BwellError)) return false
  switch (error.code) {
    case 'network_error':
    case 'timeout':
      return true
    case 'http_error':
      return error.status === undefined || error.status >= 500 || error.status === 429
    case 'graphql_error':
      return (
        !(error.graphqlCode !== undefined && CLIENT_ERROR.test(error.graphqlCode)) &&
        !error.issues.some((issue) =>
          ['value', 'security', 'forbidden', 'not-found'].includes(issue.code ?? ''),
        )
      )
    default:
      return false
  }
}
