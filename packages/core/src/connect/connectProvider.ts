import type { Channel } from './channel.ts'
import { startAttempt } from './controller.ts'
import type { ConnectionEvent, ConnectionOutcome } from './outcome.ts'

/** One entry of `channels`: a built-in channel by name, or an imported {@link Channel}. */
export type ChannelOption = 'message' | 'closed' | Channel

/** What `getRedirectUrl` receives. */
export interface RedirectUrlRequest {
  readonly connectionId: string
  readonly attemptId: string
  /**
   * `callbackUrl` with `attempt=<attemptId>` added, when one is configured, for providers that take
   * a redirect URI per call. Providers with a registered callback URL (b.well) ignore it: the
   * attempt is found without it.
   */
  readonly redirectUri?: string
  /** Aborted when the attempt settles first. */
  readonly signal: AbortSignal
}

/** What `confirm` receives. */
export interface ConfirmRequest {
  readonly connectionId: string
  readonly attemptId: string
  /** Aborted when the attempt settles first. */
  readonly signal: AbortSignal
}

/** How the provider page is shown. `auto` is a popup that falls back to redirect when blocked. */
export type ConnectMode = 'popup' | 'redirect' | 'auto'

/** Options of {@link connectProvider}. */
export interface ConnectProviderOptions {
  /** The b.well connection id; one attempt runs per id at a time. */
  readonly connectionId: string
  /** Fetches the provider's OAuth URL, e.g. the b.well `getOauthUrl` query. */
  readonly getRedirectUrl: (request: RedirectUrlRequest) => Promise<string> | string
  /**
   * Origins whose `message` events count, e.g. the b.well origin that serves the hosted
   * completion page. The app's own origin is always allowed, for its callback page.
   */
  readonly allowedOrigins?: readonly string[]
  /**
   * The app's custom redirect page, on its own origin (e.g. `/connect/callback`): the URL the
   * provider has on file, which comes back with only `status_code` appended, or one it takes per
   * call (passed to `getRedirectUrl` as `redirectUri`, with `attempt=<attemptId>` added). It enables
   * the broadcast and poll channels (polling waits for the popup to reach it) and redirect mode.
   * The page runs `completeConnection()`.
   */
  readonly callbackUrl?: string
  /** Default `'popup'`. `'redirect'` and `'auto'` need `callbackUrl`. */
  readonly mode?: ConnectMode
  /**
   * Channels to race, besides the timeout and the abort signal. Default `['message', 'closed']`.
   * The channels that hear the app's callback page are imported, so apps that do not race them do
   * not ship them: `pollChannel` and `broadcastChannel` (the one that survives COOP), both needing
   * `callbackUrl`.
   */
  readonly channels?: readonly ChannelOption[]
  /** Default 300 000. */
  readonly timeoutMs?: number
  /** Interval of the poll and closed channels. Default 500. */
  readonly pollIntervalMs?: number
  /** When given, the only hostnames the redirect URL may have. */
  readonly allowedHosts?: readonly string[]
  /**
   * Asks the backend whether the connection really succeeded, before `success` is reported (a
   * `'status-success'` message is an unauthenticated hint). While detached it is asked every 3 s.
   */
  readonly confirm?: (request: ConfirmRequest) => Promise<boolean>
  /** Aborting it settles the attempt as `aborted`. */
  readonly signal?: AbortSignal
  /**
   * Reports each phase with a timestamp; `settled` carries the outcome. It should not throw: a
   * throw is not caught, though the attempt still settles and cleans up.
   */
  readonly onEvent?: (event: ConnectionEvent) => void
  /** Shown in the blank popup as "Connecting to {providerName}…". */
  readonly providerName?: string
  /** Redirect mode: same-origin path to come back to. Default: the current path. */
  readonly returnPath?: string
}

/**
 * Runs one connection attempt: opens the popup synchronously (a window of its own), fetches the
 * redirect URL, navigates, and races the completion channels. It settles exactly once, reports the
 * outcome first and then tears everything down: listeners, intervals, timers, channels and the
 * popup. Call it in the click handler, before any `await`.
 *
 * A second call for a connection id whose attempt is open focuses its popup and returns the same
 * promise. Attempts of other connections each have their own popup.
 *
 * @param options see {@link ConnectProviderOptions}
 * @returns the outcome; it resolves for every flow outcome and never rejects
 * @throws {InvalidArgumentError} synchronously, for options of the wrong shape
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.17
 */
export function connectProvider(options: ConnectProviderOptions): Promise<ConnectionOutcome> {
  return startAttempt(options).promise
}
