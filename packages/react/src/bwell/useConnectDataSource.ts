import {
  type UseConnectProviderOptions,
  type UseConnectProviderResult,
  useConnectProvider,
} from '../connect/index.ts'
import { useBwellClient } from './BwellClientProvider.tsx'
import { useRefetchConnections } from './useRefetchConnections.ts'

/** Options of {@link useConnectDataSource}: `useConnectProvider`'s, without the URL source. */
export type UseConnectDataSourceOptions = Omit<
  UseConnectProviderOptions,
  'getRedirectUrl' | 'client'
>

/**
 * Connects an `OAUTH` data source: core's `connectProvider` (popup opened in the click, then
 * b.well's `getOauthUrl(connectionId)`, then the completion channels). No connection is created
 * before the popup; b.well stores it when the provider's consent comes back. On `success` the
 * user's connections are refetched. For `BASIC` sources use `useCreateConnection`.
 *
 * @param options `allowedOrigins` (b.well's origin, for its hosted completion page),
 *   `callbackUrl` (the redirect URL registered with b.well, if any), callbacks, timeouts
 * @returns `connect(connectionId)`, `cancel`, `reset` and the attempt's state
 */
export function useConnectDataSource(
  options: UseConnectDataSourceOptions = {},
): UseConnectProviderResult {
  const client = useBwellClient()
  const refetchConnections = useRefetchConnections()
  const { onSuccess } = options
  return useConnectProvider({
    ...options,
    getRedirectUrl: ({ connectionId, signal }) => client.getOauthUrl(connectionId, { signal }),
    onSuccess: (outcome) => {
      void refetchConnections()
      onSuccess?.(outcome)
    },
  })
}
