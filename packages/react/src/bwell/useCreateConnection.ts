import { type UseMutationResult, useMutation } from '@tanstack/react-query'
import { useBwellClient } from './BwellClientProvider.tsx'
import type { Connection } from './documents.ts'
import type { BwellError } from './errors.ts'

/**
 * Creates a connection for a provider.
 *
 * @returns the TanStack mutation; `mutate(providerId)`
 */
export function useCreateConnection(): UseMutationResult<Connection, BwellError, string> {
  const client = useBwellClient()
  return useMutation({ mutationFn: (providerId: string) => client.createConnection(providerId) })
}
