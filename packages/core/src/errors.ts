/**
 * Base class of every error the toolkit reports as a value or throws for a flow failure.
 *
 * `name` is a literal on each subclass (minifiers rename constructors), and `code` is a stable
 * string to branch on. The original error, when there is one, stays on `cause`.
 */
export class OAuthConnectError<Code extends string = string> extends Error {
  override name = 'OAuthConnectError'
  readonly code: Code

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** Code of every {@link InvalidArgumentError}. */
export const INVALID_ARGUMENT = 'ERR_INVALID_ARGUMENT'

/**
 * A programmer error: an option or argument of the wrong shape. It is a `TypeError`, so it is
 * never mistaken for a flow outcome, and it carries a `code` like every other toolkit error.
 */
export class InvalidArgumentError extends TypeError {
  override name = 'InvalidArgumentError'
  readonly code = INVALID_ARGUMENT
}

/** Narrows an unknown value to a toolkit error, optionally of one code. */
export function isOAuthConnectError<Code extends string = string>(
  value: unknown,
  code?: Code,
): value is OAuthConnectError<Code> {
  return value instanceof OAuthConnectError && (code === undefined || value.code === code)
}
