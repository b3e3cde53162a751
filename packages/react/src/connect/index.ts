// Connection hooks of `@oauth-connect/react`.
export type { UseConnectionCallbackOptions } from './useConnectionCallback.ts'
export { useConnectionCallback } from './useConnectionCallback.ts'
export type {
  ConnectOverrides,
  FailureOutcome,
  OauthUrlClient,
  SuccessOutcome,
  UseConnectProviderOptions,
  UseConnectProviderResult,
} from './useConnectProvider.ts'
export { useConnectProvider } from './useConnectProvider.ts'
export type { PopupCompletion, UsePopupCompletionOptions } from './usePopupCompletion.ts'
export { usePopupCompletion } from './usePopupCompletion.ts'
export type { UsePopupMessageListenerOptions } from './usePopupMessageListener.ts'
export { parseHostedMessage, usePopupMessageListener } from './usePopupMessageListener.ts'
export type { UsePopupTimeoutOptions } from './usePopupTimeout.ts'
export { usePopupTimeout } from './usePopupTimeout.ts'
export type { UsePopupUrlPollingOptions } from './usePopupUrlPolling.ts'
export { usePopupUrlPolling } from './usePopupUrlPolling.ts'
