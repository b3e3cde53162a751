import { OAuthConnectError } from '@oauth-connect/core/login'
import type { FhirOperationOutcome } from './fhir.ts'

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
  /** The server's FHIR `OperationOutcome`, when the error body was one (checked). */
  readonly outcome: FhirOperationOutcome | undefined

  constructor(
    code: ResourceErrorCode,
    message: string,
    status: number,
    options?: { cause?: unknown; outcome?: FhirOperationOutcome | undefined },
  ) {
    super(code, message, options)
    this.status = status
    this.outcome = options?.outcome
  }
}
