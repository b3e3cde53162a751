import type { ConnectionError } from './errors.ts'
import type { StatusCode } from './status.ts'

/** What settled an attempt. */
export type OutcomeChannel =
  | 'message'
  | 'poll'
  | 'broadcast'
  | 'closed'
  | 'confirm'
  | 'redirect'
  | 'timeout'
  /** `cancel()`, an `AbortSignal` or an unmount. */
  | 'aborted'
  /** `window.open` returned `null`. */
  | 'blocked'
  /** Getting or checking the redirect URL failed. */
  | 'redirect-url'

/** The completion channels an attempt can race; see `ConnectProviderOptions.channels`. */
export type CompletionChannel = 'message' | 'poll' | 'broadcast' | 'closed'

interface OutcomeBase {
  readonly attemptId: string
  readonly connectionId: string
  readonly channel: OutcomeChannel
  /** Milliseconds from the start of the attempt to its settlement. */
  readonly elapsedMs: number
}

/** A provider status other than `error`, reported with its raw `statusCode`. */
export type ProviderOutcome = {
  readonly [S in Exclude<StatusCode, 'error'>]: OutcomeBase & {
    readonly status: S
    readonly statusCode: S
  }
}[Exclude<StatusCode, 'error'>]

/** The attempt failed: the provider said `error`, or the flow did (see `cause`). */
export interface ErrorOutcome extends OutcomeBase {
  readonly status: 'error'
  /** The raw status code, when the provider sent a valid one. */
  readonly statusCode?: StatusCode
  /** Why the flow failed, when it was not the provider's own `error`. */
  readonly cause?: ConnectionError
}

/** The attempt ended without a provider status. */
export interface EndedOutcome extends OutcomeBase {
  readonly status: 'closed' | 'timeout' | 'blocked' | 'aborted'
}

/**
 * How a connection attempt ended, discriminated on `status`:
 *
 * | status | meaning |
 * | --- | --- |
 * | `success` | the provider linked the source (confirmed, when `confirm` is set) |
 * | `error` | the provider or the flow failed; see `cause` |
 * | `cancelled` | the user declined at the provider |
 * | `expired` | the provider flow expired |
 * | `unauthorized` | CSRF state mismatch at the b.well callback; never retried automatically |
 * | `closed` | the user closed the popup |
 * | `timeout` | no answer within `timeoutMs` |
 * | `blocked` | `window.open` returned `null` |
 * | `aborted` | `cancel()`, an `AbortSignal` or an unmount |
 */
export type ConnectionOutcome = ProviderOutcome | ErrorOutcome | EndedOutcome

/** Every value of `ConnectionOutcome['status']`. */
export type ConnectionStatus = ConnectionOutcome['status']

/** Phases an attempt reports through `onEvent`. */
export type ConnectionPhase = 'opened' | 'navigated' | 'redirecting' | 'detached' | 'settled'

/** One phase change, for analytics and event logs. */
export interface ConnectionEvent {
  readonly type: ConnectionPhase
  readonly attemptId: string
  readonly connectionId: string
  /** Milliseconds since the epoch. */
  readonly at: number
  /** On `settled`: the outcome, whose `channel` names the winner. */
  readonly outcome?: ConnectionOutcome | undefined
}
