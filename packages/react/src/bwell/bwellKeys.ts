import type { MemberConnectionsFilter, SearchHealthResourcesInput } from './types.ts'

/**
 * Query keys of the b.well hooks. Every key but `all` holds the user, so one user's cached data
 * never answers another user's query (SEC-27).
 */
export const bwellKeys = {
  all: ['oauth-connect', 'bwell'] as const,
  user: (user: string) => [...bwellKeys.all, user] as const,
  search: (user: string, input: SearchHealthResourcesInput) =>
    [...bwellKeys.user(user), 'search', input] as const,
  dataSource: (user: string, connectionId: string) =>
    [...bwellKeys.user(user), 'dataSource', connectionId] as const,
  connections: (user: string) => [...bwellKeys.user(user), 'connections'] as const,
  memberConnections: (
    user: string,
    source: MemberConnectionsSource,
    filter: MemberConnectionsFilter = {},
  ) => [...bwellKeys.connections(user), source, filter] as const,
}

/** Where `useMemberConnections` reads the connections from. */
export type MemberConnectionsSource = 'getMemberConnections' | 'subscriptions'

/** The user a b.well query key belongs to. */
export const userOfKey = (key: readonly unknown[]): unknown => key[bwellKeys.all.length]
