import type { PopupHandle } from './popup.ts'
import type { StatusCode } from './status.ts'

/** What a {@link Channel} gets from the attempt it serves. */
export interface ChannelContext {
  readonly attemptId: string
  /** The attempt's own popup. */
  readonly popup: PopupHandle
  /** The app's callback page (`callbackUrl`), as configured: without `attempt`. */
  readonly callbackUrl: URL
  readonly pollIntervalMs: number
  /**
   * Reports what the channel heard: a status code, the hosted page's `'failure'`, or `undefined`
   * for a missing, unknown or repeated `status_code` (settles as `error`). The first report of any
   * channel wins.
   */
  readonly report: (code: StatusCode | 'failure' | undefined) => void
}

/**
 * A completion channel that needs the app's callback page, imported only by apps that race it:
 * `pollChannel` or `broadcastChannel`. (`'message'` and `'closed'` are built in.)
 */
export interface Channel {
  readonly name: 'poll' | 'broadcast'
  /** It can still report after COOP has made the popup read closed (the `detached` phase). */
  readonly survivesCoop: boolean
  /**
   * Starts listening for one attempt.
   *
   * @returns its disposer, or `undefined` when it cannot run in this browser
   */
  start(context: ChannelContext): (() => void) | undefined
}
