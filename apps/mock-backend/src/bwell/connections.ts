import type { Clock } from '../clock.ts'
import {
  type ConnectionCategory,
  type ConnectionType,
  connectionTypeOf,
  type SeededSource,
} from './dataSources.ts'

/** `DataConnectionStatus`. */
export type DataConnectionStatus =
  | 'ACCESS_ENDED'
  | 'CONNECTED'
  | 'DELETED'
  | 'DISCONNECTED'
  | 'ERROR'
  | 'EXPIRED'

/** `SyncStatus`. */
export type SyncStatus =
  | 'DATA_DELETED'
  | 'DELETING'
  | 'ERROR'
  | 'PENDING'
  | 'RETRIEVED'
  | 'RETRIEVING'

/** How long a fresh connection stays `PENDING`, then `RETRIEVING`, on the backend's clock. */
export interface LifecycleTimings {
  pendingMs: number
  retrievingMs: number
}

/** The default lifecycle: 2 s `PENDING`, then 5 s `RETRIEVING`, then `RETRIEVED`. */
export const defaultTimings: LifecycleTimings = { pendingMs: 2000, retrievingMs: 5000 }

/** A sync error, as `SyncErrorCodeableConcept`. */
export interface SyncError {
  id: string
  text: string
  coding: { system: string; code: string; display: string }[]
}

/** A member connection as the API shows it (times in ms since the epoch). */
export interface ConnectionView {
  id: string
  name: string
  category: ConnectionCategory
  type: ConnectionType
  integrationType: string
  status: DataConnectionStatus
  syncStatus: SyncStatus
  created: number
  statusUpdated: number
  lastSynced: number | undefined
  syncErrors: SyncError[]
}

interface Stored {
  source: SeededSource
  status: DataConnectionStatus
  created: number
  statusUpdated: number
  /** When the running sync started; `undefined` when no sync runs. */
  syncStartedAt: number | undefined
  /** The sync state kept once no sync runs. */
  frozen: { syncStatus: SyncStatus; lastSynced: number | undefined; syncErrors: SyncError[] }
}

const syncErrorSystem = 'https://icanbwell.com/codes/sync-error'

/**
 * The member connections of every b.well user, in memory, keyed by b.well user id and then by
 * the source's slug. The lifecycle is computed from the injected clock when read: no timers.
 */
export class ConnectionStore {
  readonly #users = new Map<string, Map<string, Stored>>()
  readonly #clock: Clock
  readonly #timings: LifecycleTimings

  constructor(clock: Clock, timings: LifecycleTimings = defaultTimings) {
    this.#clock = clock
    this.#timings = timings
  }

  /** The user's connections, oldest first. */
  list(userId: string): ConnectionView[] {
    return [...(this.#users.get(userId)?.values() ?? [])].map((c) => this.#view(c))
  }

  /** One connection of the user. */
  get(userId: string, slug: string): ConnectionView | undefined {
    const stored = this.#users.get(userId)?.get(slug)
    return stored && this.#view(stored)
  }

  /**
   * Records a successful OAuth callback or accepted credentials: `CONNECTED`, and a new sync
   * (`PENDING` → `RETRIEVING` → `RETRIEVED`). A reconnect keeps `created`.
   */
  connect(userId: string, source: SeededSource): ConnectionView {
    const slug = source.slug
    if (slug === undefined) throw new TypeError('"source" has no endpoint and cannot be connected')
    const now = this.#clock.now()
    let user = this.#users.get(userId)
    if (!user) {
      user = new Map()
      this.#users.set(userId, user)
    }
    const existing = user.get(slug)
    const stored: Stored = {
      source,
      status: 'CONNECTED',
      created: existing?.created ?? now,
      statusUpdated: now,
      syncStartedAt: now,
      frozen: { syncStatus: 'PENDING', lastSynced: existing?.frozen.lastSynced, syncErrors: [] },
    }
    user.set(slug, stored)
    return this.#view(stored)
  }

  /**
   * Ends a connection's access without removing it: `EXPIRED` (the provider's token ran out) or
   * `DISCONNECTED` (`disconnectConnection`, the data is kept). A sync still running stops with
   * `syncStatus: ERROR`.
   * @returns the updated connection, or `undefined` when the user has none for `slug`
   */
  end(
    userId: string,
    slug: string,
    status: 'EXPIRED' | 'DISCONNECTED',
  ): ConnectionView | undefined {
    const stored = this.#users.get(userId)?.get(slug)
    if (!stored) return undefined
    const view = this.#view(stored)
    const now = this.#clock.now()
    const interrupted = view.syncStatus === 'PENDING' || view.syncStatus === 'RETRIEVING'
    stored.frozen = interrupted
      ? {
          syncStatus: 'ERROR',
          lastSynced: view.lastSynced,
          syncErrors: [
            {
              id: 'sync-interrupted',
              text: `data retrieval stopped: the connection is ${status.toLowerCase()}`,
              coding: [
                { system: syncErrorSystem, code: 'interrupted', display: 'Sync interrupted' },
              ],
            },
          ],
        }
      : { syncStatus: view.syncStatus, lastSynced: view.lastSynced, syncErrors: view.syncErrors }
    stored.syncStartedAt = undefined
    stored.status = status
    stored.statusUpdated = now
    return this.#view(stored)
  }

  /**
   * `deleteConnection`: removes the connection and its data.
   * @returns when it happened, or `undefined` when the user has no connection for `slug`
   */
  delete(userId: string, slug: string): number | undefined {
    const user = this.#users.get(userId)
    if (!user?.delete(slug)) return undefined
    return this.#clock.now()
  }

  /** Every user id holding a connection to `slug` (for the test-mode expiry route). */
  holders(slug: string): string[] {
    return [...this.#users].filter(([, user]) => user.has(slug)).map(([userId]) => userId)
  }

  #view(stored: Stored): ConnectionView {
    const { source } = stored
    let { syncStatus, lastSynced, syncErrors } = stored.frozen
    if (stored.syncStartedAt !== undefined) {
      const elapsed = this.#clock.now() - stored.syncStartedAt
      const { pendingMs, retrievingMs } = this.#timings
      if (elapsed < pendingMs) syncStatus = 'PENDING'
      else if (elapsed < pendingMs + retrievingMs) syncStatus = 'RETRIEVING'
      else {
        syncStatus = 'RETRIEVED'
        lastSynced = stored.syncStartedAt + pendingMs + retrievingMs
      }
    }
    return {
      id: source.slug ?? source.id,
      name: source.name,
      category: source.category,
      type: connectionTypeOf(source.type),
      integrationType: source.integrationType,
      status: stored.status,
      syncStatus,
      created: stored.created,
      statusUpdated: stored.statusUpdated,
      lastSynced,
      syncErrors,
    }
  }
}
