/** Query keys of the b.well hooks, for invalidation. */
export const bwellKeys = {
  all: ['oauth-connect', 'bwell'] as const,
  providers: (query: string) => [...bwellKeys.all, 'providers', query] as const,
  connection: (id: string) => [...bwellKeys.all, 'connection', id] as const,
}
