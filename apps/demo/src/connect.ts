import {
  broadcastChannel,
  type ConnectionEvent,
  type ConnectProviderOptions,
  pollChannel,
} from '@oauth-connect/core/connect'
import { connectCallbackPath, origins } from './config.ts'
import { eventLog } from './eventLog.ts'
import type { CompletionMode } from './settings.ts'

/**
 * How each completion mode of the settings panel maps onto `connectProvider` options. b.well takes
 * no redirect URI per call: `callbackUrl` is the URL registered for the custom-redirect client key,
 * where b.well appends only `status_code`. The hosted mode has none; its client key returns to
 * b.well's own completion page, which posts to this tab.
 */
export function modeOptions(
  mode: CompletionMode,
): Pick<ConnectProviderOptions, 'mode' | 'channels' | 'callbackUrl'> {
  switch (mode) {
    case 'hosted':
      return { mode: 'popup', channels: ['message', 'closed'] }
    case 'poll':
      return { mode: 'popup', channels: [pollChannel, 'closed'], callbackUrl: connectCallbackPath }
    case 'broadcast':
      return {
        mode: 'popup',
        channels: [broadcastChannel, 'closed'],
        callbackUrl: connectCallbackPath,
      }
    case 'redirect':
      return { mode: 'redirect', callbackUrl: connectCallbackPath }
    case 'auto':
      return {
        mode: 'auto',
        channels: ['message', broadcastChannel, pollChannel, 'closed'],
        callbackUrl: connectCallbackPath,
      }
  }
}

/** Writes an attempt's phases into the event log. */
export function logEvent(label: string) {
  return (event: ConnectionEvent) => {
    const outcome = event.outcome
    eventLog.record(
      event.attemptId,
      label,
      { type: event.type, at: event.at },
      outcome && { status: outcome.status, channel: outcome.channel, elapsedMs: outcome.elapsedMs },
    )
  }
}

/** Message origins besides the app's own: b.well serves the hosted completion page. */
export const allowedOrigins = [origins.bwell]
