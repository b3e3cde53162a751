import { InvalidArgumentError } from '@oauth-connect/core/connect'
import { createContext, type ReactNode, useContext } from 'react'
import type { BwellClient } from './client.ts'

const BwellClientContext = createContext<BwellClient | undefined>(undefined)

/**
 * Provides a b.well client to `useProviderSearch`, `useCreateConnection` and `useConnection`.
 *
 * @param props.client from `createBwellClient`
 */
export function BwellClientProvider(props: { client: BwellClient; children?: ReactNode }) {
  return (
    <BwellClientContext.Provider value={props.client}>{props.children}</BwellClientContext.Provider>
  )
}

/**
 * Reads the b.well client from the nearest {@link BwellClientProvider}.
 *
 * @returns the client
 * @throws {InvalidArgumentError} outside a provider
 */
export function useBwellClient(): BwellClient {
  const client = useContext(BwellClientContext)
  if (!client)
    throw new InvalidArgumentError('"client" is missing: wrap the tree in <BwellClientProvider>')
  return client
}
