import { useSyncExternalStore } from 'react'

/** What the demo remembers about a provider the user started to connect. */
export interface DemoConnection {
  readonly providerId: string
  readonly providerName: string
  /** The b.well connection id, once `createConnection` has answered. */
  readonly connectionId?: string
  /** The last attempt's outcome. */
  readonly lastOutcome?: { readonly status: string; readonly channel: string }
}

const storageKey = 'oauth-connect-demo:connections'

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function isDemoConnection(value: unknown): value is DemoConnection {
  if (!isRecord(value)) return false
  const { providerId, providerName, connectionId, lastOutcome } = value
  return (
    typeof providerId === 'string' &&
    typeof providerName === 'string' &&
    (connectionId === undefined || typeof connectionId === 'string') &&
    (lastOutcome === undefined ||
      (isRecord(lastOutcome) &&
        typeof lastOutcome.status === 'string' &&
        typeof lastOutcome.channel === 'string'))
  )
}

/** The key an attempt runs under before b.well has assigned the connection id. */
export const provisionalKey = (providerId: string): string => `new:${providerId}`

/**
 * The connections of this tab. They are kept in sessionStorage (ids and statuses only, never a
 * token) so that a redirect-mode attempt finds them again when the tab comes back.
 */
export class ConnectionList {
  #items: readonly DemoConnection[]
  readonly #listeners = new Set<() => void>()

  constructor() {
    let stored: unknown
    try {
      stored = JSON.parse(sessionStorage.getItem(storageKey) ?? '[]')
    } catch {
      stored = []
    }
    this.#items = Array.isArray(stored) ? stored.filter(isDemoConnection) : []
  }

  #set(items: readonly DemoConnection[]) {
    this.#items = items
    try {
      sessionStorage.setItem(storageKey, JSON.stringify(items))
    } catch {
      // Without storage the list lives as long as the page; nothing else depends on it.
    }
    for (const listener of [...this.#listeners]) listener()
  }

  #update(providerId: string, change: Partial<DemoConnection>) {
    this.#set(this.#items.map((c) => (c.providerId === providerId ? { ...c, ...change } : c)))
  }

  /** The entry for a provider, added when missing. */
  ensure(providerId: string, providerName: string): DemoConnection {
    const existing = this.find(providerId)
    if (existing) return existing
    const added: DemoConnection = { providerId, providerName }
    this.#set([...this.#items, added])
    return added
  }

  find(providerId: string): DemoConnection | undefined {
    return this.#items.find((c) => c.providerId === providerId)
  }

  /** The entry an attempt's connection id or provisional key belongs to. */
  findByKey(key: string): DemoConnection | undefined {
    return this.#items.find((c) => c.connectionId === key || provisionalKey(c.providerId) === key)
  }

  setConnectionId(providerId: string, connectionId: string): void {
    this.#update(providerId, { connectionId })
  }

  setOutcome(providerId: string, lastOutcome: { status: string; channel: string }): void {
    this.#update(providerId, { lastOutcome })
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  getSnapshot = (): readonly DemoConnection[] => this.#items
}

let list: ConnectionList | undefined

/** The tab's one connection list, read from sessionStorage on first use. */
export function connectionList(): ConnectionList {
  list ??= new ConnectionList()
  return list
}

/** The connections, in the order they were added. */
export function useConnections(): readonly DemoConnection[] {
  const current = connectionList()
  return useSyncExternalStore(current.subscribe, current.getSnapshot)
}
