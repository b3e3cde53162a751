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
