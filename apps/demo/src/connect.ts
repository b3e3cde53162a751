import type {
  ConnectionEvent,
  ConnectionOutcome,
  ConnectProviderOptions,
} from '@oauth-connect/core/connect'
import type { BwellClient } from '@oauth-connect/react/bwell'
import { connectCallbackPath, origins } from './config.ts'
import { connectionList } from './connections.ts'
import { eventLog } from './eventLog.ts'
import type { CompletionMode } from './settings.ts'

/** The query parameter that tells the callback page which completion mode sent it there. */
export const viaParam = 'via'

/** How each completion mode of the settings panel maps onto `connectProvider` options. */
export function modeOptions(
  mode: CompletionMode,
): Pick<ConnectProviderOptions, 'mode' | 'channels' | 'callbackUrl'> {
  switch (mode) {
    case 'hosted':
      return { mode: 'popup', channels: ['message', 'closed'] }
    case 'poll':
      return {
        mode: 'popup',
        channels: ['poll', 'closed'],
        callbackUrl: `${connectCallbackPath}?${viaParam}=poll`,
      }
    case 'broadcast':
      return {
        mode: 'popup',
        channels: ['broadcast', 'closed'],
        callbackUrl: `${connectCallbackPath}?${viaParam}=broadcast`,
      }
    case 'redirect':
      return { mode: 'redirect', callbackUrl: connectCallbackPath }
    case 'auto':
      return { mode: 'auto', callbackUrl: connectCallbackPath }
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

/**
 * Records an outcome on the connection it belongs to, found by the provider when known (an
 * attempt blocked at once never created one) or else by the attempt's connection key.
 */
export function recordOutcome(
  outcome: ConnectionOutcome,
  provider?: { readonly id: string; readonly name: string },
): void {
  const entry = provider
    ? connectionList().ensure(provider.id, provider.name)
    : connectionList().findByKey(outcome.connectionId)
  if (entry) {
    connectionList().setOutcome(entry.providerId, {
      status: outcome.status,
      channel: outcome.channel,
    })
  }
}

/**
 * The `getRedirectUrl` of a provider's button. A provider seen for the first time has no b.well
 * connection yet, and creating one is a network call, which must not come between the click and
 * `window.open`. So the attempt starts under a provisional key and the connection is created here,
 * after the popup is open.
 */
export function redirectUrlFor(
  bwell: BwellClient,
  provider: { readonly id: string; readonly name: string },
): ConnectProviderOptions['getRedirectUrl'] {
  return async ({ redirectUri, signal }) => {
    let id = connectionList().ensure(provider.id, provider.name).connectionId
    if (!id) {
      id = (await bwell.createConnection(provider.id, { signal })).id
      connectionList().setConnectionId(provider.id, id)
    }
    return bwell.getOauthUrl(id, { signal, ...(redirectUri && { redirectUri }) })
  }
}

/** Message origins besides the app's own: b.well serves the hosted completion page. */
export const allowedOrigins = [origins.bwell]
