import { ConnectionError, type ConnectionErrorCode } from './errors.ts'
import type { ConnectionOutcome, OutcomeChannel } from './outcome.ts'
import type { StatusCode } from './status.ts'

/** An outcome without the fields the attempt adds itself. */
export type Settlement = ConnectionOutcome extends infer O
  ? O extends ConnectionOutcome
    ? Omit<O, 'attemptId' | 'connectionId' | 'elapsedMs'>
    : never
  : never

/**
 * Builds an `error` settlement carrying a {@link ConnectionError} whose message names `field`,
 * e.g. `"redirectUrl": unsafe redirect url`.
 */
export function failure(
  channel: OutcomeChannel,
  code: ConnectionErrorCode,
  field: string,
  cause?: unknown,
  statusCode?: StatusCode,
): Settlement {
  return {
    status: 'error',
    channel,
    cause: new ConnectionError(code, `"${field}": ${code.replaceAll('_', ' ')}`, { cause }),
    ...(statusCode && { statusCode }),
  }
}

/**
 * Maps what a completion channel reported to a settlement: a status code, the hosted page's
 * `'status-failure'`, or `undefined` for a missing, unknown or repeated `status_code`.
 */
export function settlementFor(
  code: StatusCode | 'failure' | undefined,
  channel: OutcomeChannel,
): Settlement {
  if (code === undefined) {
    return failure(channel, 'invalid_status_code', 'status_code')
  }
  if (code === 'failure') {
    return failure(channel, 'provider_failure', 'data')
  }
  return { status: code, statusCode: code, channel } as Settlement
}
