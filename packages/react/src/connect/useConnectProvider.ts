import {
  ConnectionController,
  type ConnectionControllerOptions,
  type ConnectionOutcome,
  type ConnectionSnapshot,
  type ConnectOverrides,
  type ConnectProviderOptions,
} from '@oauth-connect/core/connect'
import { useInsertionEffect, useState, useSyncExternalStore } from 'react'

export type { ConnectOverrides } from '@oauth-connect/core/connect'

/**
 * Anything that can fetch a provider's OAuth URL by connection id, such as the b.well client from
 * `@oauth-connect/react/bwell`. Declared here so this entry never imports graphql-request. b.well
 * takes no redirect URI per call: the callback URL is registered with it.
 */
export interface OauthUrlClient {
  getOauthUrl(connectionId: string, options?: { readonly signal?: AbortSignal }): Promise<string>
}

/** A `success` outcome. */
export type SuccessOutcome = Extract<ConnectionOutcome, { status: 'success' }>
/** Every outcome but `success`. */
export type FailureOutcome = Exclude<ConnectionOutcome, { status: 'success' }>

/** Options of {@link useConnectProvider}: the core controller's, with `client` as a URL source. */
export interface UseConnectProviderOptions
  extends Omit<ConnectionControllerOptions, 'getRedirectUrl'> {
  /** Fetches the OAuth URL; give this or `client`. */
  readonly getRedirectUrl?: ConnectProviderOptions['getRedirectUrl']
  /** Fetches the OAuth URL through `client.getOauthUrl(connectionId)`; give this or `getRedirectUrl`. */
  readonly client?: OauthUrlClient
}

/** What {@link useConnectProvider} returns: the controller's snapshot and its actions. */
export interface UseConnectProviderResult extends ConnectionSnapshot {
  /**
   * Starts an attempt; call it straight from the click handler, since it opens the popup
   * synchronously. Calling it again for the pending connection focuses its popup; for another
   * connection it aborts the pending attempt once the new one has opened.
   *
   * @param overrides per-call options, such as `{ mode: 'redirect' }`
   * @returns the outcome, which never rejects
   * @throws {InvalidArgumentError} for options of the wrong shape
   */
  connect(connectionId: string, overrides?: ConnectOverrides): Promise<ConnectionOutcome>
  /** Aborts the pending attempt (outcome `aborted`) and closes its popup. */
  cancel(): void
  /** Aborts any pending attempt and forgets the last outcome. */
  reset(): void
}

function controllerOptions(options: UseConnectProviderOptions): ConnectionControllerOptions {
  const { client, getRedirectUrl, ...rest } = options
  return {
    ...rest,
    getRedirectUrl:
      getRedirectUrl ??
      (client
        ? ({ connectionId, signal }) => client.getOauthUrl(connectionId, { signal })
        : // connect() reports the missing URL source as an invalid "getRedirectUrl".
          (undefined as never)),
  }
}

/**
 * Connects a data source: a thin binding of core's `ConnectionController` through
 * `useSyncExternalStore`. The controller owns the attempt (one per connection, shared with every
 * other hook and `connectProvider` call for it), reports each outcome exactly once to `onSuccess`
 * / `onError` / `onSettled`, and aborts the pending attempt when the component unmounts, with no
 * update or callback afterwards. No `QueryClientProvider` is needed.
 *
 * @param options see {@link UseConnectProviderOptions}
 * @returns `connect`, `cancel`, `reset` and the attempt's state
 * @throws {InvalidArgumentError} from `connect`, when neither `getRedirectUrl` nor `client` is set
 */
export function useConnectProvider(options: UseConnectProviderOptions): UseConnectProviderResult {
  const [controller] = useState(() => new ConnectionController(controllerOptions(options)))
  // Before any event handler or controller callback of this render can run.
  useInsertionEffect(() => {
    controller.setOptions(controllerOptions(options))
  })
  const snapshot = useSyncExternalStore(
    controller.subscribe,
    controller.getSnapshot,
    controller.getSnapshot,
  )
  return {
    ...snapshot,
    connect: controller.connect,
    cancel: controller.cancel,
    reset: controller.reset,
  }
}
