import type { AccessToken, ClientAuthMethod } from './tokenSource.ts'

/**
 * What a token is stored under: everything that makes two token sources interchangeable. The
 * client secret is deliberately not part of it (a store never sees the secret).
 */
export interface TokenStoreKey {
  /** The issuer, when the token endpoint is discovered; otherwise `undefined`. */
  readonly issuer: string | undefined
  /** The configured token endpoint; `undefined` when it is discovered from `issuer`. */
  readonly tokenEndpoint: string | undefined
  readonly clientId: string
  /** The requested scope, as configured. */
  readonly scope: string | undefined
  readonly auth: ClientAuthMethod
}

/** A token as a store keeps it. */
export interface StoredToken {
  readonly token: AccessToken
  /**
   * From when on (milliseconds since the epoch) the token must not be served any more and a
   * new one is requested: `refreshSkewSeconds` before expiry.
   */
  readonly refreshAt: number
}

/** A held refresh lock. */
export interface TokenStoreLock {
  /** Releases the lock if this holder still holds it; never throws. */
  release(): Promise<void>
}

/** How a token source waits while another holder has the refresh lock. */
export interface TokenStoreLockWait {
  /** How long to wait for the holder's token before requesting one anyway. */
  readonly timeoutMs: number
  /** How often to look for the token (and for a free lock) meanwhile. */
  readonly pollMs: number
}

/**
 * Where a token source keeps its token, and the lock that makes one refresh at a time. The
 * default, {@link MemoryTokenStore}, keeps both in the process; `@oauth-connect/server/redis`
 * shares them between processes.
 *
 * A token source treats a store method that throws as a miss (`get`), as done (`set`,
 * `delete`) or as a lock it may skip (`lock`): a store fault never fails `getToken()`.
 */
export interface TokenStore {
  /** The stored token, or `undefined`. It may be stale: the source compares `refreshAt`. */
  get(key: TokenStoreKey): Promise<StoredToken | undefined>
  /** Stores a token, replacing any other under the key. */
  set(key: TokenStoreKey, entry: StoredToken): Promise<void>
  /**
   * Removes the token under the key; with `accessToken`, only if that is still the stored one
   * (so a 401 seen late never drops a newer token).
   */
  delete(key: TokenStoreKey, accessToken?: string): Promise<void>
  /** Takes the refresh lock of the key, or resolves `undefined` when another holder has it. */
  lock(key: TokenStoreKey): Promise<TokenStoreLock | undefined>
  /** How a source waits while {@link TokenStore.lock} answers `undefined`. */
  readonly lockWait: TokenStoreLockWait
}

/** Default {@link TokenStoreLockWait} of the in-memory store. */
export const MEMORY_LOCK_WAIT: TokenStoreLockWait = Object.freeze({ timeoutMs: 30_000, pollMs: 10 })

/** A stable string for a {@link TokenStoreKey}. */
export function tokenStoreKeyString(key: TokenStoreKey): string {
  return JSON.stringify([
    key.issuer ?? null,
    key.tokenEndpoint ?? null,
    key.clientId,
    key.scope ?? null,
    key.auth,
  ])
}

/**
 * The default store: a token and a lock per key, in this process. A token source that has its
 * own in-memory store (the default) behaves as a plain cached, single-flight source. Share one
 * instance between token sources to share their tokens within the process.
 */
export class MemoryTokenStore implements TokenStore {
  readonly lockWait: TokenStoreLockWait = MEMORY_LOCK_WAIT
  readonly #entries = new Map<string, StoredToken>()
  readonly #locks = new Set<string>()

  // The methods are async, but touch the maps before their first await: a delete is seen by
  // the very next get.
  async get(key: TokenStoreKey): Promise<StoredToken | undefined> {
    return this.#entries.get(tokenStoreKeyString(key))
  }

  async set(key: TokenStoreKey, entry: StoredToken): Promise<void> {
    this.#entries.set(tokenStoreKeyString(key), entry)
  }

  async delete(key: TokenStoreKey, accessToken?: string): Promise<void> {
    const id = tokenStoreKeyString(key)
    const entry = this.#entries.get(id)
    if (accessToken === undefined || entry?.token.accessToken === accessToken) {
      this.#entries.delete(id)
    }
  }

  async lock(key: TokenStoreKey): Promise<TokenStoreLock | undefined> {
    const id = tokenStoreKeyString(key)
    if (this.#locks.has(id)) return undefined
    this.#locks.add(id)
    let held = true
    return {
      release: async () => {
        if (held) this.#locks.delete(id)
        held = false
      },
    }
  }

  toJSON(): string {
    return 'MemoryTokenStore'
  }
}
