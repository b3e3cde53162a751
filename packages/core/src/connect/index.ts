// Public API of the connection flow (`@oauth-connect/core/connect`).
export { InvalidArgumentError, isOAuthConnectError, OAuthConnectError } from '../errors.ts'
export type { BroadcastListenerOptions } from './broadcast.ts'
export { broadcastChannel, listenOnBroadcast } from './broadcast.ts'
export type { Channel, ChannelContext } from './channel.ts'
export { watchClosed } from './closed.ts'
export type { CompletionResult } from './completeConnection.ts'
export { completeConnection } from './completeConnection.ts'
export type {
  ChannelOption,
  ConfirmRequest,
  ConnectMode,
  ConnectProviderOptions,
  RedirectUrlRequest,
} from './connectProvider.ts'
export { connectProvider } from './connectProvider.ts'
export type {
  AttemptRef,
  ConnectionControllerOptions,
  ConnectionSnapshot,
  ConnectOverrides,
} from './controller.ts'
export { ConnectionController } from './controller.ts'
export type { ConnectEnv } from './env.ts'
export { connectEnv, setConnectEnv } from './env.ts'
export type { ConnectionErrorCode } from './errors.ts'
export { ConnectionError } from './errors.ts'
export type { MessageListenerOptions } from './message.ts'
export { listenForMessage } from './message.ts'
export type {
  CompletionChannel,
  ConnectionEvent,
  ConnectionOutcome,
  ConnectionPhase,
  ConnectionStatus,
  EndedOutcome,
  ErrorOutcome,
  OutcomeChannel,
  ProviderOutcome,
} from './outcome.ts'
export type { PollOptions } from './poll.ts'
export { pollChannel, pollLocation } from './poll.ts'
export type { OpenPopupOptions, PopupHandle } from './popup.ts'
export { openPopup } from './popup.ts'
export type { Race, RaceOptions } from './race.ts'
export { CLOSED_GRACE_MS, startRace } from './race.ts'
export type { ConnectEnvelope, StatusCode } from './status.ts'
export {
  channelName,
  isStatusCode,
  parseCompletionMessage,
  parseEnvelope,
  parseStatusCode,
} from './status.ts'
export { startTimeout } from './timeout.ts'
export { checkRedirectUrl, normalizeOrigins, sameOriginUrl } from './urls.ts'
