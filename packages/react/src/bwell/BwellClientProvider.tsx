import { InvalidArgumentError } from '@oauth-connect/core/connect'
import { useQueryClient } from '@tanstack/react-query'
import { createContext, type ReactNode, useContext, useLayoutEffect, useMemo, useRef } from 'react'
import { bwellKeys } from './bwellKeys.ts'
import type { BwellClient } from './client.ts'

/** What the b.well hooks read from {@link BwellClientProvider}. */
export interface BwellContextValue {
  readonly client: BwellClient
  /** The signed-in user, or `null`: the hooks fetch nothing without one. */
  readonly user: string | null
}

const BwellContext = createContext<BwellContextValue | undefined>(undefined)

/** Props of {@link BwellClientProvider}. */
export interface BwellClientProviderProps {
  /** From `createBwellClient`, created once (module scope or `useState`). */
  readonly client: BwellClient
  /**
   * A stable id of the signed-in user (e.g. the ID token's `sub`), or `null` while nobody is
   * signed in. It is part of every query key; when it changes, the previous user's b.well
   * queries are removed and the client's session is dropped (SEC-27).
   */
  readonly user: string | null
  readonly children?: ReactNode
}

/**
 * Provides the b.well client and the signed-in user to the b.well hooks. Needs a
 * `QueryClientProvider` above it.
 */
export function BwellClientProvider({ client, user, children }: BwellClientProviderProps) {
  const queryClient = useQueryClient()
  const previous = useRef(user)
  // A layout effect runs before the children's passive effects start the next user's queries,
  // so dropping the session cannot end those requests.
  useLayoutEffect(() => {
    const before = previous.current
    previous.current = user
    if (before === user) return
    client.signOut()
    if (before !== null) queryClient.removeQueries({ queryKey: bwellKeys.user(before) })
  }, [client, user, queryClient])
  const value = useMemo(() => ({ client, user }), [client, user])
  return <BwellContext.Provider value={value}>{children}</BwellContext.Provider>
}

/**
 * Reads the client and user from the nearest {@link BwellClientProvider}.
 *
 * @throws {InvalidArgumentError} outside a provider
 */
export function useBwell(): BwellContextValue {
  const value = useContext(BwellContext)
  if (!value) {
    throw new InvalidArgumentError('"client" is missing: wrap the tree in <BwellClientProvider>')
  }
  return value
}

/**
 * Reads the b.well client from the nearest {@link BwellClientProvider}.
 *
 * @throws {InvalidArgumentError} outside a provider
 */
export function useBwellClient(): BwellClient {
  return useBwell().client
}
