import {
  type ConnectionEvent,
  type ConnectionOutcome,
  type ConnectProviderOptions,
  connectProvider,
} from '@oauth-connect/core/connect'
import type { DemoBwell } from './bwell.ts'
import { connectCallbackPath, origins } from './config.ts'
import { connectionList, provisionalKey } from './connections.ts'
import { eventLog } from './eventLog.ts'
import type { CompletionMode } from './settings.ts'

/** The marker the callback page reads to stay passive while the opener polls its URL. */
export const pollMarker = 'via'

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
        callbackUrl: `${connectCallbackPath}?${pollMarker}=poll`,
      }
    case 'broadcast':
      return {
        mode: 'popup',
        channels: ['broadcast', 'closed'],
        callbackUrl: `${connectCallbackPath}?${pollMarker}=broadcast`,
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

/** Records an outcome on the connection it belongs to. */
export function recordOutcome(outcome: ConnectionOutcome): void {
  const entry = connectionList().findByKey(outcome.connectionId)
  if (entry) {
    connectionList().setOutcome(entry.providerId, {
      status: outcome.status,
      channel: outcome.channel,
    })
  }
}

interface StartOptions {
  readonly providerId: string
  readonly providerName: string
  readonly bwell: DemoBwell
  readonly mode: CompletionMode
  readonly timeoutMs: number
}

/**
 * Starts one attempt. It must run in the click handler: the popup opens before the first await.
 * A provider seen for the first time has no b.well connection yet, and creating one is a network
 * call, so the attempt runs under a provisional key and the connection is created inside
 * `getRedirectUrl`, after the popup is open.
 */
export function startConnect(options: StartOptions): Promise<ConnectionOutcome> {
  const { providerId, providerName, bwell } = options
  const entry = connectionList().ensure(providerId, providerName)
  return connectProvider({
    connectionId: entry.connectionId ?? provisionalKey(providerId),
    providerName,
    allowedOrigins: [origins.bwell],
    timeoutMs: options.timeoutMs,
    ...modeOptions(options.mode),
    getRedirectUrl: async ({ redirectUri }) => {
      let id = connectionList().find(providerId)?.connectionId
      if (!id) {
        id = (await bwell.createConnection(providerId)).id
        connectionList().setConnectionId(providerId, id)
      }
      return bwell.getOauthUrl(id, redirectUri)
    },
    onEvent: logEvent(providerName),
  })
}
