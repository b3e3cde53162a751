import { OAuthConnectError } from '@oauth-connect/core/login'

/** Codes of a {@link ResourceError}. */
export type ResourceErrorCode = 'http_error' | 'invalid_body'

/**
 * A resource request made by {@link useAuthorizedQuery} or {@link useFhirQuery} failed: a non-2xx
 * status (`http_error`, with `status`) or a body that is not the expected JSON (`invalid_body`).
 */
export class ResourceError extends OAuthConnectError<ResourceErrorCode> {
  override name = 'ResourceError'
  /** The HTTP status; 0 when the response was an unfollowed redirect. */
  readonly status: number

  constructor(
    code: ResourceErrorCode,
    message: string,
    status: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options)
    this.status = status
  }
}
