import { useQueryClient } from '@tanstack/react-query'
import { useBwell } from './BwellClientProvider.tsx'
import { bwellKeys } from './bwellKeys.ts'

/**
 * Refetches the signed-in user's connections: what every hook that connects, creates, disconnects
 * or deletes a connection does when it succeeds.
 */
export function useRefetchConnections(): () => Promise<void> {
  const { user } = useBwell()
  const queryClient = useQueryClient()
  return async () => {
    if (user !== null)
      await queryClient.invalidateQueries({ queryKey: bwellKeys.connections(user) })
  }
}
