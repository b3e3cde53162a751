import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'
import { InvalidArgumentError } from '../errors.ts'
import type { AccessToken } from '../tokenSource.ts'
import {
  MemoryTokenStore,
  type StoredToken,
  type TokenStore,
  type TokenStoreKey,
  type TokenStoreLock,
  type TokenStoreLockWait,
  tokenStoreKeyString,
} from '../tokenStore.ts'

/**
 * The part of a node-redis client (`createClient()` of the `redis` package, v4 or later) this
 * store uses. Pass the client your app already has, connected.
 */
export interface RedisClientLike {
  /** `false` while node-redis is disconnected or reconnecting: the store does not wait then. */
  readonly isReady?: boolean
  sendCommand(args: string[]): Promise<unknown>
  on?(event: 'error', listener: (error: Error) => void): unknown
}

/** What the store reports through {@link RedisTokenStoreOptions.onEvent}. */
export type RedisTokenStoreEvent =
  | {
      /** Redis failed, timed out or is disconnected: the store works in-process for now. */
      readonly type: 'fallback'
      /** The Redis error, or a timeout `Error`; never carries a token. */
      readonly cause: unknown
    }
  | {
      /** Redis answers again: the store shares tokens through it again. */
      readonly type: 'recovered'
    }
  | {
      /** An entry in Redis was ignored (it will be replaced by the next token). */
      readonly type: 'invalid-entry'
      readonly reason: 'malformed' | 'undecryptable' | 'other-key'
    }

interface RedisTokenStoreBaseOptions {
  /** A connected node-redis client. The store adds an `error` listener to it. */
  client: RedisClientLike
  /** Prefix of every key the store writes. Default `oauth-connect:`. */
  keyPrefix?: string
  /**
   * How long a Redis command may take before the store gives up on it and falls back to
   * in-process behaviour. Default 500 ms.
   */
  commandTimeoutMs?: number
  /** While falling back, how often Redis is tried again. Default 1 000 ms. */
  retryAfterMs?: number
  /**
   * How long the refresh lock outlives its holder, should the holder die before it writes a
   * token. A live holder extends it every third of this while it works. Default 10 000 ms.
   */
  lockTtlMs?: number
  /** How long another process waits for the holder's token before requesting one. Default 12 000 ms. */
  lockWaitMs?: number
  /** How often a waiting process looks for the token. Default 50 ms. */
  lockPollMs?: number
  /** Called on a fallback, a recovery and an ignored entry. It must not throw. */
  onEvent?: (event: RedisTokenStoreEvent) => void
  /** The clock, in milliseconds since the epoch; give it the token source's `now`. For tests. */
  now?: () => number
}

/**
 * Options of {@link createRedisTokenStore}: tokens are encrypted with `encryptionKey`, or, only
 * with `allowPlaintext: true`, stored as they are.
 */
export type RedisTokenStoreOptions = RedisTokenStoreBaseOptions &
  (
    | {
        /**
         * At least 32 bytes (or 32 characters) of secret key material, the same in every
         * process; an AES-256-GCM key is derived from it with HKDF-SHA-256. For example
         * `openssl rand -base64 32`, kept like the client secret.
         */
        encryptionKey: string | Uint8Array
        allowPlaintext?: never
      }
    | {
        /**
         * Store tokens unencrypted. Anyone who can read Redis (a backup, a replica, a
         * `MONITOR`) can then use them as bearer credentials until they expire.
         */
        allowPlaintext: true
        encryptionKey?: never
      }
  )

const ENCRYPTED = 'e1.'
const PLAIN = 'p1.'
const HKDF_INFO = 'oauth-connect redis token store v1'
const VISIBLE_ASCII = /^[\x21-\x7E]+$/

// Releases (or deletes) a key only while it still holds the caller's value.
const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`
// SET NX PX; a lock left without an expiry (written by hand, or garbage) gets one, so it
// cannot block refreshes for ever.
const TAKE_LOCK = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`

// Extends a key's expiry only while it still holds the caller's value.
const EXTEND_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`

class RedisTimeoutError extends Error {
  override name = 'RedisTimeoutError'
}

class RedisNotReadyError extends Error {
  override name = 'RedisNotReadyError'
}

function positiveInteger(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`"${field}" must be a positive integer`)
  }
  return value
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('WRONGTYPE')
}

/** The JSON a token is stored as (before encryption). */
interface Payload {
  /** The key's digest: an entry copied under another key is refused. */
  readonly k: string
  readonly r: number
  readonly a: string
  readonly e: number | null
  readonly s: string | null
}

function parsePayload(value: unknown): Payload | undefined {
  if (!isRecord(value)) return undefined
  const { k, r, a, e, s } = value
  if (typeof k !== 'string' || typeof r !== 'number' || !Number.isFinite(r)) return undefined
  if (typeof a !== 'string' || !VISIBLE_ASCII.test(a)) return undefined
  if (e !== null && (typeof e !== 'number' || !Number.isFinite(e))) return undefined
  if (s !== null && typeof s !== 'string') return undefined
  return { k, r, a, e, s }
}

class RedisTokenStore implements TokenStore {
  readonly lockWait: TokenStoreLockWait
  readonly #client: RedisClientLike
  readonly #prefix: string
  readonly #timeoutMs: number
  readonly #retryMs: number
  readonly #lockTtlMs: number
  readonly #aesKey: Buffer | undefined
  readonly #onEvent: ((event: RedisTokenStoreEvent) => void) | undefined
  readonly #now: () => number
  // In-process behaviour while Redis is away; it also mirrors what this process wrote or read.
  readonly #local = new MemoryTokenStore()
  #down = false
  #retryAt = 0
  #probing = false

  constructor(options: RedisTokenStoreOptions) {
    if (!isRecord(options)) throw new InvalidArgumentError('"options" must be an object')
    const client: unknown = options.client
    if (!isRecord(client) || typeof client.sendCommand !== 'function') {
      throw new InvalidArgumentError('"client" must be a node-redis client')
    }
    this.#client = options.client
    const prefix = options.keyPrefix ?? 'oauth-connect:'
    if (typeof prefix !== 'string') throw new InvalidArgumentError('"keyPrefix" must be a string')
    this.#prefix = prefix
    this.#timeoutMs = positiveInteger(options.commandTimeoutMs, 'commandTimeoutMs', 500)
    this.#retryMs = positiveInteger(options.retryAfterMs, 'retryAfterMs', 1_000)
    this.#lockTtlMs = positiveInteger(options.lockTtlMs, 'lockTtlMs', 10_000)
    this.lockWait = Object.freeze({
      timeoutMs: positiveInteger(options.lockWaitMs, 'lockWaitMs', 12_000),
      pollMs: positiveInteger(options.lockPollMs, 'lockPollMs', 50),
    })
    if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
      throw new InvalidArgumentError('"onEvent" must be a function')
    }
    this.#onEvent = options.onEvent
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new InvalidArgumentError('"now" must be a function')
    }
    this.#now = options.now ?? Date.now
    const { encryptionKey, allowPlaintext } = options
    if (encryptionKey !== undefined) {
      if (allowPlaintext !== undefined) {
        throw new InvalidArgumentError(
          'only one of "encryptionKey" and "allowPlaintext" may be given',
        )
      }
      const material =
        typeof encryptionKey === 'string'
          ? Buffer.from(encryptionKey, 'utf8')
          : encryptionKey instanceof Uint8Array
            ? Buffer.from(encryptionKey)
            : undefined
      if (material === undefined || material.length < 32) {
        throw new InvalidArgumentError('"encryptionKey" must be at least 32 bytes or characters')
      }
      this.#aesKey = Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), HKDF_INFO, 32))
    } else if (allowPlaintext !== true) {
      throw new InvalidArgumentError(
        '"encryptionKey" is required to store tokens; pass "allowPlaintext: true" to store them unencrypted',
      )
    }
    // Without a listener, node-redis would crash the process on a connection error.
    options.client.on?.('error', (error) => this.#fail(error))
  }

  #emit(event: RedisTokenStoreEvent): void {
    try {
      this.#onEvent?.(event)
    } catch {
      // A reporting callback must not turn a Redis fault into an outage.
    }
  }

  #fail(cause: unknown): void {
    this.#retryAt = performance.now() + this.#retryMs
    if (this.#down) return
    this.#down = true
    this.#emit({ type: 'fallback', cause })
  }

  #recover(): void {
    if (!this.#down) return
    this.#down = false
    this.#emit({ type: 'recovered' })
  }

  /**
   * Runs a Redis command, bounded by the timeout. `undefined` means "use the in-process store":
   * Redis is down (and not due for a retry), or the command failed or timed out.
   */
  async #redis(
    args: string[],
    late?: (reply: unknown) => void,
  ): Promise<{ reply: unknown } | undefined> {
    let probe = false
    if (this.#down) {
      if (this.#probing || performance.now() < this.#retryAt) return undefined
      probe = true
      this.#probing = true
    }
    try {
      if (this.#client.isReady === false) throw new RedisNotReadyError('redis client is not ready')
      const command = this.#client.sendCommand(args)
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new RedisTimeoutError(`redis did not answer within ${this.#timeoutMs} ms`)),
          this.#timeoutMs,
        )
        timer.unref?.()
      })
      try {
        const reply = await Promise.race([command, timeout])
        this.#recover()
        return { reply }
      } catch (error) {
        // A command that answers after its timeout still happened (a lock taken late, say).
        if (error instanceof RedisTimeoutError) command.then(late, () => undefined)
        throw error
      } finally {
        clearTimeout(timer)
      }
    } catch (error) {
      if (isWrongType(error)) return { reply: error }
      this.#fail(error)
      return undefined
    } finally {
      if (probe) this.#probing = false
    }
  }

  #digest(key: TokenStoreKey): string {
    return createHash('sha256').update(tokenStoreKeyString(key)).digest('base64url')
  }

  #encode(digest: string, entry: StoredToken): string {
    const payload: Payload = {
      k: digest,
      r: entry.refreshAt,
      a: entry.token.accessToken,
      e: entry.token.expiresAt ?? null,
      s: entry.token.scope ?? null,
    }
    const json = JSON.stringify(payload)
    if (this.#aesKey === undefined) return `${PLAIN}${json}`
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#aesKey, iv)
    cipher.setAAD(Buffer.from(digest))
    const body = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()])
    return `${ENCRYPTED}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`
  }

  #decode(digest: string, raw: string): StoredToken | undefined {
    let json: string
    if (this.#aesKey !== undefined) {
      if (!raw.startsWith(ENCRYPTED)) {
        this.#emit({ type: 'invalid-entry', reason: 'malformed' })
        return undefined
      }
      const bytes = Buffer.from(raw.slice(ENCRYPTED.length), 'base64')
      if (bytes.length < 12 + 16 + 1) {
        this.#emit({ type: 'invalid-entry', reason: 'malformed' })
        return undefined
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', this.#aesKey, bytes.subarray(0, 12))
        // The key's digest is authenticated: a ciphertext moved under another key fails here.
        decipher.setAAD(Buffer.from(digest))
        decipher.setAuthTag(bytes.subarray(12, 28))
        json = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString(
          'utf8',
        )
      } catch {
        this.#emit({ type: 'invalid-entry', reason: 'undecryptable' })
        return undefined
      }
    } else {
      if (!raw.startsWith(PLAIN)) {
        this.#emit({ type: 'invalid-entry', reason: 'malformed' })
        return undefined
      }
      json = raw.slice(PLAIN.length)
    }
    let payload: Payload | undefined
    try {
      payload = parsePayload(JSON.parse(json))
    } catch {
      payload = undefined
    }
    if (payload === undefined) {
      this.#emit({ type: 'invalid-entry', reason: 'malformed' })
      return undefined
    }
    if (payload.k !== digest) {
      this.#emit({ type: 'invalid-entry', reason: 'other-key' })
      return undefined
    }
    const token: AccessToken = Object.freeze({
      accessToken: payload.a,
      tokenType: 'Bearer',
      expiresAt: payload.e ?? undefined,
      scope: payload.s ?? undefined,
    })
    return { token, refreshAt: payload.r }
  }

  #tokenKey(digest: string): string {
    return `${this.#prefix}token:${digest}`
  }

  async get(key: TokenStoreKey): Promise<StoredToken | undefined> {
    const digest = this.#digest(key)
    const result = await this.#redis(['GET', this.#tokenKey(digest)])
    if (result === undefined) return this.#local.get(key)
    const { reply } = result
    if (reply === null) return undefined
    if (typeof reply !== 'string') {
      this.#emit({ type: 'invalid-entry', reason: 'malformed' })
      return undefined
    }
    const entry = this.#decode(digest, reply)
    // An expired entry is simply stale: the source refreshes it and the new one replaces it.
    if (entry !== undefined) await this.#local.set(key, entry)
    return entry
  }

  async set(key: TokenStoreKey, entry: StoredToken): Promise<void> {
    await this.#local.set(key, entry)
    const digest = this.#digest(key)
    // Kept in Redis only while it may be served.
    const ttl = Math.max(1, Math.min(Math.ceil(entry.refreshAt - this.#now()), 2 ** 31 - 1))
    await this.#redis([
      'SET',
      this.#tokenKey(digest),
      this.#encode(digest, entry),
      'PX',
      String(ttl),
    ])
  }

  async delete(key: TokenStoreKey, accessToken?: string): Promise<void> {
    await this.#local.delete(key, accessToken)
    const digest = this.#digest(key)
    const tokenKey = this.#tokenKey(digest)
    if (accessToken === undefined) {
      await this.#redis(['DEL', tokenKey])
      return
    }
    const result = await this.#redis(['GET', tokenKey])
    if (result === undefined || typeof result.reply !== 'string') return
    if (this.#decode(digest, result.reply)?.token.accessToken !== accessToken) return
    await this.#redis(['EVAL', COMPARE_AND_DELETE, '1', tokenKey, result.reply])
  }

  async lock(key: TokenStoreKey): Promise<TokenStoreLock | undefined> {
    const lockKey = `${this.#prefix}lock:${this.#digest(key)}`
    const holder = randomBytes(18).toString('base64url')
    const release = () =>
      this.#redis(['EVAL', COMPARE_AND_DELETE, '1', lockKey, holder]).then(() => undefined)
    const result = await this.#redis(
      ['EVAL', TAKE_LOCK, '1', lockKey, holder, String(this.#lockTtlMs)],
      // Taken after we gave up on it: let it go at once rather than block others until the TTL.
      (reply) => {
        if (reply === 1) void release()
      },
    )
    if (result === undefined) return this.#local.lock(key)
    if (result.reply !== 1) return undefined
    // A watchdog keeps the lock while this process works on the token, so a token request slower
    // than lockTtlMs lets no second process in. It dies with the process (the lock then expires
    // after lockTtlMs) and stops once the lock is no longer this holder's or Redis is away.
    const ttl = String(this.#lockTtlMs)
    const watchdog = setInterval(
      () => {
        void this.#redis(['EVAL', EXTEND_LOCK, '1', lockKey, holder, ttl]).then((extended) => {
          if (extended?.reply !== 1) clearInterval(watchdog)
        })
      },
      Math.max(1, Math.floor(this.#lockTtlMs / 3)),
    )
    // An abandoned lock never keeps the process alive.
    watchdog.unref()
    return {
      release: () => {
        clearInterval(watchdog)
        return release()
      },
    }
  }

  toJSON(): string {
    return 'RedisTokenStore'
  }
}

/**
 * A {@link TokenStore} on Redis, through a node-redis client the app already has: every process
 * of a fleet shares one token per key and one refresh lock (`SET NX PX` with a random value,
 * released only by its holder), so N processes make one token request, at start and at each
 * refresh.
 *
 * Tokens are bearer credentials: they are encrypted (AES-256-GCM) unless `allowPlaintext` is
 * set. The client secret is never written. A Redis fault (down, slow, errors) never fails a
 * `getToken()`: the store works in-process meanwhile, reports `fallback` through `onEvent`,
 * and goes back to Redis (`recovered`) once it answers. Entries that cannot be read, or that
 * belong to another key, are ignored and replaced.
 *
 * @param options See {@link RedisTokenStoreOptions}.
 * @returns A store to pass as `store` to `createTokenSource` or a preset.
 * @throws {InvalidArgumentError} for a missing client, a short key, or neither `encryptionKey`
 *   nor `allowPlaintext`.
 */
export function createRedisTokenStore(options: RedisTokenStoreOptions): TokenStore {
  return new RedisTokenStore(options)
}
