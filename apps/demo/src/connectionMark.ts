import type { Connection } from '@oauth-connect/react/bwell'

/** Statuses after which a connection needs the user again: a new OAuth flow or new credentials. */
export const needsReconnect: ReadonlySet<string> = new Set([
  'DISCONNECTED',
  'EXPIRED',
  'ERROR',
  'ACCESS_ENDED',
])

/** How a search result stands among the user's connections, in words. */
export interface ConnectionMark {
  /** `connected`, `attention` (reconnect it), or `unknown` (a status this demo does not know). */
  readonly state: 'connected' | 'attention' | 'unknown'
  /** E.g. "Connected", "Needs attention (expired)". */
  readonly text: string
}

/**
 * The mark of a data source the user has a connection to, from the connection's b.well `status`.
 *
 * @param connection one of `useMemberConnections`' connections
 * @returns its state and the words for it
 */
export function connectionMark(connection: Connection): ConnectionMark {
  const { status } = connection
  if (status === 'CONNECTED') return { state: 'connected', text: 'Connected' }
  const words = status?.toLowerCase().replaceAll('_', ' ')
  if (status !== null && needsReconnect.has(status)) {
    return { state: 'attention', text: `Needs attention (${words})` }
  }
  return { state: 'unknown', text: words ? `Status ${words}` : 'Status unknown' }
}

/**
 * The user's connections by the connection id of their data source, which is the connection's
 * `id` (b.well's slug, `endpoint[0].name` of a search result). Deleted connections are left out:
 * their source connects anew.
 */
export function connectionsBySource(
  connections: readonly Connection[],
): ReadonlyMap<string, Connection> {
  return new Map(connections.filter((c) => c.status !== 'DELETED').map((c) => [c.id, c]))
}

/** The control a search result offers: a first connection, or a new one for a connection that needs it. */
export type ResultControl = 'connect' | 'reconnect'

/**
 * Which control a search result's row shows. A source that is not connected offers Connect; one
 * whose connection needs attention offers Reconnect; a connected one (or one of unknown status)
 * offers no second connection, except that the control the user has just used in this row
 * (`used`) stays, so that it can show how its attempt ended.
 *
 * @param mark the source's mark, `undefined` when the user has no connection to it
 * @param used the control the user started an attempt with in this row, if any
 * @returns the control to show, or `null` for none
 */
export function resultControl(
  mark: ConnectionMark | undefined,
  used: ResultControl | null,
): ResultControl | null {
  if (!mark) return 'connect'
  if (mark.state === 'attention') return 'reconnect'
  return used
}
