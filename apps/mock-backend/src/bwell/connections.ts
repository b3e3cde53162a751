import { randomUUID } from 'node:crypto'

/**
 * b.well's connection lifecycle: NEW → RETRIEVING_DATA → DATA_RETRIEVED, and from any status to
 * EXPIRED, DISCONNECTED, DELETED or ACCESS_ENDED.
 */
export type ConnectionStatus =
  | 'NEW'
  | 'RETRIEVING_DATA'
  | 'DATA_RETRIEVED'
  | 'EXPIRED'
  | 'DISCONNECTED'
  | 'DELETED'
  | 'ACCESS_ENDED'

/** A user's link to one data provider. */
export interface Connection {
  id: string
  providerId: string
  /** The `sub` of the user who created it; other users cannot see it. */
  owner: string
  status: ConnectionStatus
}

interface StoredConnection extends Connection {
  /** When a RETRIEVING_DATA connection reads as DATA_RETRIEVED. */
  retrievedAt?: number
}

/** How long the simulated data retrieval takes after a successful OAuth flow. */
export const retrievalMs = 1500

/** In-memory connections, per owner. */
export class ConnectionStore {
  readonly #connections = new Map<string, StoredConnection>()
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  /** Creates a NEW connection for `owner`. */
  create(owner: string, providerId: string): Connection {
    const connection: StoredConnection = {
      id: `conn_${randomUUID()}`,
      providerId,
      owner,
      status: 'NEW',
    }
    this.#connections.set(connection.id, connection)
    return this.#view(connection)
  }

  /** The connection, or `undefined` when it does not exist or belongs to someone else. */
  get(id: string, owner?: string): Connection | undefined {
    const connection = this.#connections.get(id)
    if (!connection || (owner !== undefined && connection.owner !== owner)) return undefined
    return this.#view(connection)
  }

  /** Records the outcome of an OAuth flow on the connection. */
  update(id: string, event: 'success' | 'expired' | 'disconnected'): Connection | undefined {
    const connection = this.#connections.get(id)
    if (!connection) return undefined
    if (event === 'success') {
      connection.status = 'RETRIEVING_DATA'
      connection.retrievedAt = this.#now() + retrievalMs
    } else {
      connection.status = event === 'expired' ? 'EXPIRED' : 'DISCONNECTED'
      delete connection.retrievedAt
    }
    return this.#view(connection)
  }

  #view(connection: StoredConnection): Connection {
    if (
      connection.status === 'RETRIEVING_DATA' &&
      connection.retrievedAt !== undefined &&
      this.#now() >= connection.retrievedAt
    ) {
      connection.status = 'DATA_RETRIEVED'
      delete connection.retrievedAt
    }
    const { id, providerId, owner, status } = connection
    return { id, providerId, owner, status }
  }
}
