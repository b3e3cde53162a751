/** A key pair as {@link DPoPKeyStore} keeps it. */
export interface StoredDPoPKey {
  readonly keys: CryptoKeyPair
  /** A code exchange used it: a session (in this tab or another) holds tokens bound to it. */
  readonly bound: boolean
}

/**
 * Where {@link dpop} keeps its key pair between page loads and shares it between the app's tabs
 * (a session shared with `sessionStore` is bound to one key).
 */
export interface DPoPKeyStore {
  /** The stored key, or `undefined` when none is stored (or storage failed). */
  load(): Promise<StoredDPoPKey | undefined>
  /** Replaces the stored key; a failure leaves the key in this page's memory only. */
  save(key: StoredDPoPKey): Promise<void>
}

/** A key pair that lasts as long as the page: nothing is stored. */
export function memoryKeyStore(): DPoPKeyStore {
  return { load: async () => undefined, save: async () => {} }
}

/**
 * Keeps the key pair in IndexedDB (database `name`, one record): the private key stays
 * non-extractable there, as a CryptoKey, and survives reloads. Falls back to memory (one page)
 * where IndexedDB is missing or refuses (private modes, locked-down browsers).
 */
export function indexedDbKeyStore(name = 'oauth-connect:dpop'): DPoPKeyStore {
  const run = <T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      const open = indexedDB.open(name, 1)
      open.onupgradeneeded = () => open.result.createObjectStore('keys')
      open.onerror = () => reject(open.error)
      open.onsuccess = () => {
        const db = open.result
        const request = op(db.transaction('keys', mode).objectStore('keys'))
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
        db.close()
      }
    })
  return {
    async load() {
      try {
        const value: unknown = await run('readonly', (store) => store.get('current'))
        return isStoredKey(value) ? value : undefined
      } catch {
        return undefined
      }
    },
    async save(key) {
      try {
        await run('readwrite', (store) => store.put(key, 'current'))
      } catch {
        // Memory only: the key lasts this page.
      }
    },
  }
}

/** Narrows a stored value to a key pair with its `bound` flag. */
function isStoredKey(value: unknown): value is StoredDPoPKey {
  if (typeof value !== 'object' || value === null) return false
  const { keys, bound } = value as Record<string, unknown>
  if (typeof keys !== 'object' || keys === null || typeof bound !== 'boolean') return false
  const { privateKey, publicKey } = keys as Record<string, unknown>
  return (
    typeof CryptoKey !== 'undefined' &&
    privateKey instanceof CryptoKey &&
    publicKey instanceof CryptoKey &&
    privateKey.type === 'private'
  )
}

/** The store {@link dpop} uses by default: IndexedDB where it exists, else memory. */
export function defaultKeyStore(): DPoPKeyStore {
  return typeof indexedDB === 'undefined' ? memoryKeyStore() : indexedDbKeyStore()
}
