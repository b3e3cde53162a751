import {
  type ConnectionEvent,
  type ConnectionOutcome,
  type ConnectionPhase,
  type ConnectionStatus,
  type ConnectMode,
  type ConnectProviderOptions,
  connectProvider,
} from '@oauth-connect/core/connect'
import { useMutation } from '@tanstack/react-query'
import { useCallback, useEffect, useRef, useState } from 'react'
import { useLatest } from '../useLatest.ts'

/**
 * Anything that can fetch a provider's OAuth URL by connection id, such as the b.well client from
 * `@oauth-connect/react/bwell`. Declared here so this entry never imports graphql-request.
 */
export interface OauthUrlClient {
  getOauthUrl(
    connectionId: string,
    options?: { readonly redirectUri?: string; readonly signal?: AbortSignal },
  ): Promise<string>
}

/** A `success` outcome. */
export type SuccessOutcome = Extract<ConnectionOutcome, { status: 'success' }>
/** Every outcome but `success`. */
export type FailureOutcome = Exclude<ConnectionOutcome, { status: 'success' }>

/** Options of {@link useConnectProvider}: the core options, minus what `connect` supplies. */
export interface UseConnectProviderOptions
  extends Omit<ConnectProviderOptions, 'connectionId' | 'getRedirectUrl' | 'signal'> {
  /** Fetches the OAuth URL; give this or `client`. */
  readonly getRedirectUrl?: ConnectProviderOptions['getRedirectUrl']
  /** Fetches the OAuth URL through `client.getOauthUrl`; give this or `getRedirectUrl`. */
  readonly client?: OauthUrlClient
  /** Called with a `success` outcome, while mounted. */
  readonly onSuccess?: (outcome: SuccessOutcome) => void
  /** Called with every other outcome, while mounted. */
  readonly onError?: (outcome: FailureOutcome) => void
  /** Called with every outcome, while mounted. */
  readonly onSettled?: (outcome: ConnectionOutcome) => void
}

/** Per-call overrides of {@link UseConnectProviderResult.connect}. */
export interface ConnectOverrides {
  /** Overrides the hook's `mode`, e.g. `'redirect'` to continue a blocked attempt in this tab. */
  readonly mode?: ConnectMode
}

/** What {@link useConnectProvider} returns. */
export interface UseConnectProviderResult {
  /**
   * Starts an attempt; call it straight from the click handler, since it opens the popup
   * synchronously. Calling it again for the pending connection focuses its popup; for another
   * connection it aborts the pending attempt first.
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
  /** `idle`, `pending`, or the last outcome's status. */
  readonly status: 'idle' | 'pending' | ConnectionStatus
  readonly outcome: ConnectionOutcome | undefined
  /** The last phase `onEvent` reported, or `idle`. */
  readonly phase: 'idle' | ConnectionPhase
  readonly isPending: boolean
}

/**
 * Connects a data source through `connectProvider`, with the attempt's state in a TanStack Query
 * mutation. Unmounting aborts the attempt and closes the popup; no state updates or callbacks run
 * after unmount.
 *
 * @param options see {@link UseConnectProviderOptions}
 * @returns `connect`, `cancel`, `reset` and the attempt's state
 * @throws {InvalidArgumentError} from `connect`, when neither `getRedirectUrl` nor `client` is set
 */
export function useConnectProvider(options: UseConnectProviderOptions): UseConnectProviderResult {
  const latest = useLatest(options)
  const [phase, setPhase] = useState<'idle' | ConnectionPhase>('idle')
  const current = useRef<{ connectionId: string; controller: AbortController }>(undefined)
  const mounted = useRef(false)
  const {
    mutate,
    reset: resetMutation,
    data,
    isPending,
  } = useMutation({
    mutationFn: (attempt: Promise<ConnectionOutcome>) => attempt,
  })

  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
      current.current?.controller.abort()
    }
  }, [])

  const connect = useCallback(
    (connectionId: string, overrides?: ConnectOverrides) => {
      const { client, getRedirectUrl, onSuccess, onError, onSettled, onEvent, ...rest } =
        latest.current
      const pending = current.current
      // A cancelled attempt may not have reported yet; it must not lend its aborted signal.
      const same = pending?.connectionId === connectionId && !pending.controller.signal.aborted
      const controller = same ? pending.controller : new AbortController()
      // Set before the call: connectProvider reports 'opened' synchronously.
      current.current = { connectionId, controller }
      let attempt: Promise<ConnectionOutcome>
      try {
        attempt = connectProvider({
          ...rest,
          ...overrides,
          connectionId,
          signal: controller.signal,
          getRedirectUrl:
            getRedirectUrl ??
            (client
              ? ({ redirectUri, signal }) =>
                  client.getOauthUrl(connectionId, { ...(redirectUri && { redirectUri }), signal })
              : (undefined as never)),
          onEvent: (event: ConnectionEvent) => {
            // Only the attempt on show may move the phase, and never after unmount.
            if (!mounted.current || current.current?.controller !== controller) return
            setPhase(event.type)
            latest.current.onEvent?.(event)
          },
        })
      } catch (error) {
        current.current = pending
        throw error
      }
      if (!same) pending?.controller.abort()
      // Per-call callbacks: TanStack Query drops them once the component unmounts.
      mutate(attempt, {
        onSuccess: (outcome) => {
          if (current.current?.controller === controller) current.current = undefined
          const callbacks = latest.current
          if (outcome.status === 'success') callbacks.onSuccess?.(outcome)
          else callbacks.onError?.(outcome)
          callbacks.onSettled?.(outcome)
        },
      })
      return attempt
    },
    [latest, mutate],
  )

  const cancel = useCallback(() => current.current?.controller.abort(), [])
  const reset = useCallback(() => {
    current.current?.controller.abort()
    current.current = undefined
    resetMutation()
    setPhase('idle')
  }, [resetMutation])

  return {
    connect,
    cancel,
    reset,
    status: isPending ? 'pending' : (data?.status ?? 'idle'),
    outcome: isPending ? undefined : data,
    phase,
    isPending,
  }
}
