import { inspect } from 'node:util'
import * as oauth from 'oauth4webapi'
import { discover, type FetchLike, oauthFetch, REQUEST_TIMEOUT_MS } from './discovery.ts'
import { assertSecureEndpoint, isLoopback, parseEndpoint } from './endpoint.ts'
import { InvalidArgumentError, TokenRequestError } from './errors.ts'
import { secretRedactor } from './redact.ts'
import { Secret } from './secret.ts'
import { parseTokenResponse } from './tokenResponse.ts'
import {
  MemoryTokenStore,
  type StoredToken,
  type TokenStore,
  type TokenStoreKey,
  type TokenStoreLock,
} from './tokenStore.ts'

/**
 * How the client authenticates at the token endpoint.
 * - `client_secret_post`: `client_id` and `client_secret` in the form body (b.well).
 * - `client_secret_basic`: HTTP Basic, each part form-encoded first (Medblocks).
 * - `json_body`: a JSON body `{ grant_type, client_id, client_secret, scope }` (OpesCare).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'json_body'

/** Default of {@link TokenSourceOptions.refreshSkewSeconds}. */
export const DEFAULT_REFRESH_SKEW_SECONDS = 60

/**
 * The floor: a token is reused for at least this long after it was requested, even when
 * `expires_in` is tiny, zero, or smaller than the skew. Without it a server that issues
 * short-lived tokens would get one request per caller (a request storm). A 401 seen through
 * {@link TokenSource.fetch} still forces a refresh.
 */
export const MIN_TOKEN_REUSE_SECONDS = 10

/**
 * How long a token is reused when the response has no `expires_in` (RFC 6749 makes it optional
 * and leaves the lifetime to the server's documentation). A 401 seen through
 * {@link TokenSource.fetch} still forces a refresh.
 */
export const DEFAULT_TOKEN_REUSE_SECONDS = 300

/**
 * The longest lifetime taken from `expires_in`: one year. A larger value (`1e300`, a server
 * bug or a hostile answer) is clamped to it, so that every cached token is refreshed in finite
 * time and every expiry is a valid `Date`.
 */
export const MAX_EXPIRES_IN_SECONDS = 365 * 24 * 60 * 60

interface TokenSourceBaseOptions {
  /** How the client authenticates; see {@link ClientAuthMethod}. */
  auth: ClientAuthMethod
  /** The client identifier. */
  clientId: string
  /** The client secret. Pass a {@link Secret} to keep it out of your own logs too. */
  clientSecret: string | Secret
  /** Space-separated scopes to request; omitted from the request when undefined. */
  scope?: string
  /** Seconds before expiry at which the token is refreshed. Default 60. */
  refreshSkewSeconds?: number
  /** The fetch to use for discovery, token requests and {@link TokenSource.fetch}. */
  fetch?: FetchLike
  /** The clock, in milliseconds since the epoch (like `Date.now`). For tests. */
  now?: () => number
  /**
   * Where the token and the refresh lock live. Default: a new {@link MemoryTokenStore} (this
   * source alone, in this process). `createRedisTokenStore` from
   * `@oauth-connect/server/redis` shares them between processes.
   */
  store?: TokenStore
}

/** Options of {@link createTokenSource}: exactly one of `issuer` and `tokenEndpoint`. */
export type TokenSourceOptions = TokenSourceBaseOptions &
  (
    | {
        /** Issuer identifier; the token endpoint is discovered and the issuer checked. */
        issuer: string | URL
        tokenEndpoint?: never
      }
    | {
        /** The token endpoint, used as is. */
        tokenEndpoint: string | URL
        issuer?: never
      }
  )

/** An access token from a {@link TokenSource}. */
export interface AccessToken {
  /** The token to send as `Authorization: Bearer …`. */
  readonly accessToken: string
  /** Always `Bearer`; any other type is refused. */
  readonly tokenType: 'Bearer'
  /**
   * When the token expires, in milliseconds since the epoch, counted from when the request was
   * sent. `undefined` when the server sent no `expires_in`.
   */
  readonly expiresAt: number | undefined
  /** The granted scope: the response's `scope`, else the requested one (RFC 6749 §5.1). */
  readonly scope: string | undefined
}

/** A cached, single-flight source of client-credentials access tokens. */
export interface TokenSource {
  /**
   * The cached token, or a new one when there is none or the cached one is within
   * `refreshSkewSeconds` of expiry. Concurrent callers share one request; a failure is thrown
   * to every waiting caller and is not cached.
   *
   * @throws {DiscoveryError} | {InsecureEndpointError} | {TokenRequestError} | {TokenResponseError}
   */
  getToken(): Promise<AccessToken>
  /**
   * `fetch` with `Authorization: Bearer <token>` set. On a 401 the token is dropped (unless
   * another caller already replaced it), a fresh one is fetched, and the request is retried
   * once; the second response is returned whatever its status.
   *
   * @throws {InsecureEndpointError} when the URL is `http:` off loopback (no token is sent).
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>
  /** Drops the cached token, so the next {@link TokenSource.getToken} requests a new one. */
  invalidate(): void
}

function assertNonEmptyString(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidArgumentError(`"${field}" must be a non-empty string`)
  }
}

class ClientCredentialsTokenSource implements TokenSource {
  readonly #auth: ClientAuthMethod
  readonly #clientId: string
  readonly #clientSecret: Secret
  readonly #scope: string | undefined
  readonly #skewMs: number
  readonly #fetch: FetchLike
  readonly #now: () => number
  readonly #issuer: URL | undefined
  #tokenEndpoint: URL | undefined
  readonly #store: TokenStore
  readonly #key: TokenStoreKey
  readonly #redact: (text: string) => string
  #inflight: Promise<AccessToken> | undefined

  constructor(options: TokenSourceOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('"options" must be an object')
    }
    const { auth } = options
    if (auth !== 'client_secret_post' && auth !== 'client_secret_basic' && auth !== 'json_body') {
      throw new InvalidArgumentError(
        '"auth" must be "client_secret_post", "client_secret_basic" or "json_body"',
      )
    }
    this.#auth = auth
    assertNonEmptyString(options.clientId, 'clientId')
    this.#clientId = options.clientId
    const secret = options.clientSecret
    if (secret instanceof Secret) {
      assertNonEmptyString(secret.reveal(), 'clientSecret')
      this.#clientSecret = secret
    } else {
      assertNonEmptyString(secret, 'clientSecret')
      this.#clientSecret = new Secret(secret)
    }
    if (options.scope !== undefined) assertNonEmptyString(options.scope, 'scope')
    this.#scope = options.scope
    const skew = options.refreshSkewSeconds ?? DEFAULT_REFRESH_SKEW_SECONDS
    if (typeof skew !== 'number' || !Number.isFinite(skew) || skew < 0) {
      throw new InvalidArgumentError('"refreshSkewSeconds" must be a non-negative number')
    }
    this.#skewMs = skew * 1000
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new InvalidArgumentError('"fetch" must be a function')
    }
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init))
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new InvalidArgumentError('"now" must be a function')
    }
    this.#now = options.now ?? Date.now
    const hasIssuer = options.issuer !== undefined
    const hasEndpoint = options.tokenEndpoint !== undefined
    if (hasIssuer === hasEndpoint) {
      throw new InvalidArgumentError('exactly one of "issuer" and "tokenEndpoint" must be given')
    }
    if (options.issuer !== undefined) {
      this.#issuer = parseEndpoint(options.issuer, 'issuer')
    } else {
      this.#tokenEndpoint = parseEndpoint(options.tokenEndpoint, 'tokenEndpoint')
    }
    const store = options.store ?? new MemoryTokenStore()
    if (!isTokenStore(store)) {
      throw new InvalidArgumentError(
        '"store" must have get, set, delete and lock methods and a lockWait',
      )
    }
    this.#store = store
    this.#key = Object.freeze({
      issuer: this.#issuer?.href,
      tokenEndpoint: this.#tokenEndpoint?.href,
      clientId: this.#clientId,
      scope: this.#scope,
      auth: this.#auth,
    })
    this.#redact = secretRedactor(this.#clientSecret.reveal(), this.#clientId)
  }

  async getToken(): Promise<AccessToken> {
    const fresh = await this.#readFresh()
    if (fresh !== undefined) return fresh
    if (this.#inflight === undefined) {
      const inflight = this.#refresh().finally(() => {
        if (this.#inflight === inflight) this.#inflight = undefined
      })
      this.#inflight = inflight
    }
    return this.#inflight
  }

  /** The stored token while it is fresh; a store fault reads as a miss. */
  async #readFresh(): Promise<AccessToken | undefined> {
    let entry: StoredToken | undefined
    try {
      entry = await this.#store.get(this.#key)
    } catch {
      return undefined
    }
    return entry !== undefined && this.#now() < entry.refreshAt ? entry.token : undefined
  }

  async #lock(): Promise<TokenStoreLock | 'held' | undefined> {
    try {
      return (await this.#store.lock(this.#key)) ?? 'held'
    } catch {
      // A store that cannot lock must not stop the source: go on as if alone.
      return undefined
    }
  }

  /**
   * One refresh at a time for the key: take the lock and request a token, or, while another
   * holder (another process, with a shared store) has it, wait for its token, for a bounded
   * time, then request one anyway rather than fail.
   */
  async #refresh(): Promise<AccessToken> {
    const { timeoutMs, pollMs } = this.#store.lockWait
    const polls = Math.max(0, Math.ceil(timeoutMs / Math.max(pollMs, 1)))
    for (let poll = 0; ; poll++) {
      const lock = await this.#lock()
      if (lock !== 'held') {
        try {
          // Another holder may have stored a token between our read and our lock.
          const fresh = await this.#readFresh()
          if (fresh !== undefined) return fresh
          return await this.#requestAndStore()
        } finally {
          if (lock !== undefined) await quietly(() => lock.release())
        }
      }
      if (poll >= polls) break
      await new Promise((resolve) => setTimeout(resolve, pollMs))
      const fresh = await this.#readFresh()
      if (fresh !== undefined) return fresh
    }
    return this.#requestAndStore()
  }

  async #requestAndStore(): Promise<AccessToken> {
    const entry = await this.#requestToken()
    try {
      await this.#store.set(this.#key, entry)
    } catch {
      // The token is good; only sharing it failed.
    }
    return entry.token
  }

  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init)
    // The bearer is as good as the secret for its lifetime: same transport rule.
    assertSecureEndpoint(new URL(request.url), 'url')
    const first = await this.getToken()
    // A body can be read once; keep a copy for the retry before the first send consumes it.
    const spare = request.body === null ? request : request.clone()
    const response = await this.#fetch(withBearer(request, first))
    if (response.status !== 401) return response
    await response.body?.cancel()
    // Another caller may already have replaced the token; then reuse theirs, no new request.
    await quietly(() => this.#store.delete(this.#key, first.accessToken))
    const second = await this.getToken()
    return this.#fetch(withBearer(spare, second))
  }

  invalidate(): void {
    void quietly(() => this.#store.delete(this.#key))
  }

  async #requestToken(): Promise<StoredToken> {
    const endpoint = await this.#resolveTokenEndpoint()
    const requestedAt = this.#now()
    let response: Response
    try {
      response = await this.#send(endpoint)
    } catch (cause) {
      throw new TokenRequestError('token request failed', { cause })
    }
    // A server may echo what it received, in any encoding; never let the secret ride on an error.
    const parsed = await parseTokenResponse(response, this.#redact)
    const lifetime =
      parsed.expiresIn === undefined
        ? undefined
        : Math.min(parsed.expiresIn, MAX_EXPIRES_IN_SECONDS)
    const token: AccessToken = Object.freeze({
      accessToken: parsed.accessToken,
      tokenType: parsed.tokenType,
      expiresAt: lifetime === undefined ? undefined : requestedAt + lifetime * 1000,
      scope: parsed.scope ?? this.#scope,
    })
    const reuseMs =
      lifetime === undefined
        ? DEFAULT_TOKEN_REUSE_SECONDS * 1000
        : Math.max(lifetime * 1000 - this.#skewMs, MIN_TOKEN_REUSE_SECONDS * 1000)
    return { token, refreshAt: requestedAt + reuseMs }
  }

  async #resolveTokenEndpoint(): Promise<URL> {
    if (this.#tokenEndpoint !== undefined) return this.#tokenEndpoint
    // Only a successful discovery is kept; a failure is retried on the next request.
    const issuer = this.#issuer as URL
    const server = await discover(issuer, this.#fetch)
    this.#tokenEndpoint = server.tokenEndpoint
    return server.tokenEndpoint
  }

  #send(endpoint: URL): Promise<Response> {
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    if (this.#auth === 'json_body') {
      return this.#fetch(endpoint.href, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: this.#clientId,
          client_secret: this.#clientSecret.reveal(),
          ...(this.#scope === undefined ? {} : { scope: this.#scope }),
        }),
        redirect: 'manual',
        signal,
      })
    }
    const as: oauth.AuthorizationServer = {
      issuer: this.#issuer?.href ?? endpoint.origin,
      token_endpoint: endpoint.href,
    }
    const clientAuth =
      this.#auth === 'client_secret_basic'
        ? oauth.ClientSecretBasic(this.#clientSecret.reveal())
        : oauth.ClientSecretPost(this.#clientSecret.reveal())
    const parameters = new URLSearchParams()
    if (this.#scope !== undefined) parameters.set('scope', this.#scope)
    return oauth.clientCredentialsGrantRequest(
      as,
      { client_id: this.#clientId },
      clientAuth,
      parameters,
      {
        [oauth.customFetch]: oauthFetch(this.#fetch),
        // Loopback only: parseEndpoint and discover() have refused http: anywhere else.
        [oauth.allowInsecureRequests]: endpoint.protocol === 'http:' && isLoopback(endpoint),
        signal,
      },
    )
  }

  #describe(): Record<string, string> {
    return {
      auth: this.#auth,
      ...(this.#issuer === undefined ? {} : { issuer: this.#issuer.href }),
      ...(this.#tokenEndpoint === undefined ? {} : { tokenEndpoint: this.#tokenEndpoint.href }),
      clientId: this.#clientId,
      clientSecret: String(this.#clientSecret),
      ...(this.#scope === undefined ? {} : { scope: this.#scope }),
    }
  }

  toJSON(): Record<string, string> {
    return this.#describe()
  }

  [inspect.custom](): string {
    return `TokenSource ${inspect(this.#describe())}`
  }
}

/** Runs a store operation whose failure must not reach the caller (sync throws included). */
async function quietly(operation: () => Promise<unknown>): Promise<void> {
  try {
    await operation()
  } catch {
    // A store fault never fails the token source; the store reports its own faults.
  }
}

function isTokenStore(value: unknown): value is TokenStore {
  if (typeof value !== 'object' || value === null) return false
  const store = value as Partial<Record<keyof TokenStore, unknown>>
  const wait = store.lockWait as Partial<Record<string, unknown>> | undefined
  return (
    typeof store.get === 'function' &&
    typeof store.set === 'function' &&
    typeof store.delete === 'function' &&
    typeof store.lock === 'function' &&
    typeof wait === 'object' &&
    wait !== null &&
    typeof wait.timeoutMs === 'number' &&
    Number.isFinite(wait.timeoutMs) &&
    wait.timeoutMs >= 0 &&
    typeof wait.pollMs === 'number' &&
    Number.isFinite(wait.pollMs) &&
    wait.pollMs >= 0
  )
}

function withBearer(request: Request, token: AccessToken): Request {
  const headers = new Headers(request.headers)
  headers.set('authorization', `Bearer ${token.accessToken}`)
  return new Request(request, { headers })
}

/**
 * Creates a client-credentials token source: cached, single-flight, refreshed
 * `refreshSkewSeconds` before expiry, never caching a failure.
 *
 * @param options See {@link TokenSourceOptions}.
 * @returns A {@link TokenSource}. Its `JSON.stringify` and `util.inspect` forms show the
 *   configuration with the secret as `[redacted]`, and never a token.
 * @throws {InvalidArgumentError} for a missing or malformed option.
 * @throws {InsecureEndpointError} when `issuer` or `tokenEndpoint` is `http:` off loopback.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  return new ClientCredentialsTokenSource(options)
}
