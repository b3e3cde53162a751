/** Where {@link dpop} keeps its key pair between page loads. */
export interface DPoPKeyStore {
  /** The stored key pair, or `undefined` when none is stored (or storage failed). */
  load(): Promise<CryptoKeyPair | undefined>
  /** Replaces the stored key pair; a failure leaves the key in memory only. */
  save(keys: CryptoKeyPair): Promise<void>
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
        return isKeyPair(value) ? value : undefined
      } catch {
        return undefined
      }
    },
    async save(keys) {
      try {
        await run('readwrite', (store) => store.put(keys, 'current'))
      } catch {
        // Memory only: the key lasts this page.
      }
    },
  }
}

/** Narrows a stored value to an ES256 key pair. */
function isKeyPair(value: unknown): value is CryptoKeyPair {
  if (typeof value !== 'object' || value === null) return false
  const { privateKey, publicKey } = value as Record<string, unknown>
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
