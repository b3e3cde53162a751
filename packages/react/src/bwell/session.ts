import { BwellError, isSecurityError, unauthorized } from './errors.ts'
import { object, optString, string } from './parse.ts'
import type { Send } from './transport.ts'

interface Tokens {
  /** The identity-provider token this session was started with: the session's user. */
  readonly identity: string
  readonly accessToken: string
  readonly refreshToken: string
  /** When to refresh (ms since the epoch), a little before the access token's `exp`. */
  readonly refreshAt: number
}

/** What a {@link BwellSession} needs. */
export interface SessionDeps {
  readonly send: Send
  readonly clientKey: string
  readonly getIdentityToken: () => string | Promise<string>
  readonly now: () => number
  /** Refresh this long before `exp`, at most half the token's lifetime. */
  readonly refreshLeewayMs: number
}

/** Reads `exp` (seconds) from a JWT's payload. Only for timing: b.well verifies its own tokens. */
function expiry(jwt: string, path: string): number {
  const payload = jwt.split('.')[1]
  let exp: unknown
  try {
    const base64 = (payload ?? '').replace(/-/g, '+').replace(/_/g, '/')
    const claims: unknown = JSON.parse(atob(base64))
    exp = typeof claims === 'object' && claims !== null ? Reflect.get(claims, 'exp') : undefined
  } catch {
    exp = undefined
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new BwellError('invalid_response', `invalid "exp" of "${path}" in the b.well response`, {
      operation: path.split('.')[0],
    })
  }
  return exp * 1000
}

/**
 * The b.well session of one user: `getToken` on first use, `refresh` shortly before the access
 * token expires (falling back to `getToken` when b.well refuses the refresh), one exchange at a
 * time however many requests wait for it. A different identity token, or {@link clear}, drops
 * the session: its tokens never serve another user (SEC-27).
 */
export class BwellSession {
  readonly #deps: SessionDeps
  #tokens: Tokens | undefined
  #pending: { identity: string; promise: Promise<Tokens> } | undefined
  /** Bumped whenever the session is dropped, so an exchange running then never stores its tokens. */
  #generation = 0
  /** Bumped by `clear` (sign-out): requests started before it end with `session_ended`. */
  #epoch = 0

  constructor(deps: SessionDeps) {
    this.#deps = deps
  }

  /**
   * The current access token, starting or refreshing the session when needed.
   *
   * @throws {BwellError} `no_identity_token`, `unauthorized`, `session_ended`, or the transport's errors
   */
  async accessToken(signal?: AbortSignal): Promise<string> {
    const epoch = this.#epoch
    const identity = await this.#identity()
    // Signed out while the identity token was on its way: this request belongs to no one now.
    if (epoch !== this.#epoch) throw this.#ended()
    // Another user's identity token: nothing of the previous session may serve this one.
    const owner = this.#tokens?.identity ?? this.#pending?.identity
    if (owner !== undefined && owner !== identity) this.#drop()
    const tokens = this.#tokens
    if (tokens && this.#deps.now() < tokens.refreshAt) return tokens.accessToken
    let pending = this.#pending
    if (!pending) {
      const started = this.#generation
      const promise = this.#exchange(identity, tokens).then(
        (next) => {
          if (started === this.#generation) this.#tokens = next
          return next
        },
        (error: unknown) => {
          if (this.#tokens === tokens && started === this.#generation) this.#tokens = undefined
          throw error
        },
      )
      const current = { identity, promise }
      pending = current
      this.#pending = current
      // Settled either way: the next caller starts afresh.
      void promise.then(
        () => this.#settle(current),
        () => this.#settle(current),
      )
    }
    const next = await waitFor(pending.promise, signal)
    if (epoch !== this.#epoch || next.identity !== identity) throw this.#ended()
    return next.accessToken
  }

  /** After a security error with `accessToken`: the next call refreshes, or starts over. */
  invalidate(accessToken: string): void {
    const tokens = this.#tokens
    if (tokens?.accessToken === accessToken) this.#tokens = { ...tokens, refreshAt: 0 }
  }

  /** Drops the session, e.g. at sign-out. Requests still waiting for it reject with `session_ended`. */
  clear(): void {
    this.#epoch += 1
    this.#drop()
  }

  #drop(): void {
    this.#generation += 1
    this.#tokens = undefined
    this.#pending = undefined
  }

  #settle(pending: { identity: string; promise: Promise<Tokens> }) {
    if (this.#pending === pending) this.#pending = undefined
  }

  #ended() {
    return new BwellError('session_ended', 'the b.well session ended while the request waited')
  }

  async #identity(): Promise<string> {
    let identity: unknown
    try {
      identity = await this.#deps.getIdentityToken()
    } catch (cause) {
      throw new BwellError('no_identity_token', '"getIdentityToken" failed', { cause })
    }
    if (typeof identity !== 'string' || !identity) {
      throw new BwellError('no_identity_token', '"getIdentityToken" returned no token')
    }
    return identity
  }

  async #exchange(identity: string, previous: Tokens | undefined): Promise<Tokens> {
    if (previous) {
      try {
        return await this.#refresh(previous)
      } catch (error) {
        // b.well refused the refresh token: the identity token may still start a new session.
        if (!isSecurityError(error)) throw error
      }
    }
    return this.#getToken(identity)
  }

  async #getToken(identity: string): Promise<Tokens> {
    const { send, clientKey } = this.#deps
    let data: Readonly<Record<string, unknown>>
    try {
      data = await send(
        'getToken',
        {},
        { authorization: identity, clientkey: clientKey },
        undefined,
      )
    } catch (error) {
      // A refused session is final for this identity token.
      throw isSecurityError(error)
        ? unauthorized(error, 'getToken', 'b.well refused "getToken"')
        : error
    }
    const tokens = object(data.getToken, 'getToken')
    const access = object(tokens.accessToken, 'getToken.accessToken')
    const refresh = object(tokens.refreshToken, 'getToken.refreshToken')
    const accessToken = string(access.jwtToken, 'getToken.accessToken.jwtToken')
    return {
      identity,
      accessToken,
      refreshToken: string(refresh.token, 'getToken.refreshToken.token'),
      refreshAt: this.#refreshAt(expiry(accessToken, 'getToken.accessToken.jwtToken')),
    }
  }

  async #refresh(previous: Tokens): Promise<Tokens> {
    const { send, clientKey } = this.#deps
    const data = await send(
      'refresh',
      {},
      { refresh_token: previous.refreshToken, clientkey: clientKey },
      undefined,
    )
    const tokens = object(data.refresh, 'refresh')
    const accessToken = string(tokens.accessToken, 'refresh.accessToken')
    return {
      identity: previous.identity,
      accessToken,
      // b.well keeps the refresh token for the whole session; a rotated one replaces it.
      refreshToken: optString(tokens.refreshToken, 'refresh.refreshToken') || previous.refreshToken,
      refreshAt: this.#refreshAt(expiry(accessToken, 'refresh.accessToken')),
    }
  }

  #refreshAt(exp: number): number {
    const now = this.#deps.now()
    return exp - Math.min(this.#deps.refreshLeewayMs, Math.max(0, exp - now) / 2)
  }
}

/** Waits for a shared promise, giving up (for this caller only) when its signal aborts. */
function waitFor<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(new BwellError('aborted', 'the request was aborted', { cause: signal.reason }))
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
