import {
  allowInsecureRequests,
  authorizationCodeGrantRequest,
  type Client,
  calculatePKCECodeChallenge,
  generateRandomCodeVerifier,
  generateRandomNonce,
  generateRandomState,
  None,
  processAuthorizationCodeResponse,
  processRefreshTokenResponse,
  refreshTokenGrantRequest,
  revocationRequest,
  validateAuthResponse,
} from 'oauth4webapi'
import { InvalidArgumentError } from '../errors.ts'
import { stripCallbackParams } from './callback.ts'
import { LoginError } from './errors.ts'
import { isFresh } from './freshness.ts'
import type {
  AuthSnapshot,
  AuthStatus,
  CallbackResult,
  LoginClient,
  LoginClientOptions,
  LoginOptions,
  LogoutOptions,
} from './loginClient.ts'
import { createRequests, REQUEST_TIMEOUT_MS } from './requests.ts'
import { type LoginServer, type RequestOptions, serverMetadata } from './server.ts'
import type { Session } from './session.ts'
import { type TabMessage, tabSync } from './tabSync.ts'
import { callTokenEndpoint, oauthError, toSession } from './tokenEndpoint.ts'
import {
  dropExpiredTransaction,
  saveTransaction,
  type Transaction,
  takeTransaction,
} from './transaction.ts'
import { parseUrlOption, toSameOriginPath, withParams } from './urls.ts'

/** Marks a popup attempt's `state`, so the callback page forwards instead of exchanging. */
const POPUP_STATE_PREFIX = 'p.'

/**
 * Creates a sign-in client: OAuth 2.0 Authorization Code with PKCE (S256) for a public client.
 *
 * @param server `{ issuer }` for discovery, or fixed endpoints.
 * @param options See {@link LoginClientOptions}.
 * @returns A {@link LoginClient}.
 * @throws {InvalidArgumentError} when an option is malformed or uses `http:` outside loopback.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1
 */
export function createLoginClient(server: LoginServer, options: LoginClientOptions): LoginClient {
  const insecure = options.allowInsecureLoopback === true
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    throw new InvalidArgumentError('"clientId" must be a non-empty string')
  }
  if (typeof options.scope !== 'string') {
    throw new InvalidArgumentError('"scope" must be a string')
  }
  const redirectUri = parseUrlOption(options.redirectUri, 'redirectUri', insecure).href
  const resourceOrigins = new Set(
    (options.resourceOrigins ?? []).map(
      (origin) => parseUrlOption(origin, 'resourceOrigins', insecure).origin,
    ),
  )
  const postLogoutRedirectUri =
    options.postLogoutRedirectUri === undefined
      ? undefined
      : parseUrlOption(options.postLogoutRedirectUri, 'postLogoutRedirectUri', insecure).href
  const store = options.storage === 'memory' ? undefined : options.storage
  if (store && typeof store.read !== 'function') {
    throw new InvalidArgumentError('"storage" must be "memory" or sessionStore')
  }
  const openid = options.scope.split(' ').includes('openid')
  // With DPoP, token requests go through its `customFetch`, which adds the proofs.
  const requestOptions: RequestOptions = { [allowInsecureRequests]: insecure, ...options.dpop }
  const requests = createRequests(options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS)
  const metadata = serverMetadata(server, insecure, requests.run)
  const client: Client = { client_id: options.clientId }
  const auth = None()
  const navigate = options.navigate ?? ((url: URL) => location.assign(url))
  const prefix = `oauth-connect:login:${options.clientId}`
  const transactionKey = `${prefix}:transaction`
  const sessionKey = `${prefix}:session`

  dropExpiredTransaction(transactionKey)
  let session = store?.read(sessionKey)
  let snapshot: AuthSnapshot
  const listeners = new Set<() => void>()

  /** Publishes a new snapshot, with the current session's claims and context. */
  function publish(status: AuthStatus, error?: LoginError) {
    snapshot = { status, claims: session?.claims, context: session?.context, error }
    for (const listener of [...listeners]) listener()
  }
  publish(session ? 'signed-in' : 'signed-out')
  /**
   * Counts sign-ins and sign-outs. A token request remembers the generation it started in, and
   * its answer is discarded when another sign-out or sign-in came first.
   */
  let generation = 0
  const inFlight = new Map<string, Promise<CallbackResult>>()
  let lastCallback: [cleanedHref: string, result: Promise<CallbackResult>] | undefined
  let refreshing: Promise<Session> | undefined

  /** Refreshes other tabs announced (sessionStore only). */
  const remote = store?.remote()
  const channel = tabSync(prefix, remote, (message) => {
    if (message.type === 'signed-out') {
      if (session || snapshot.status === 'error') clear()
    } else if (store?.isSession(message.session)) {
      // Another tab signed in or rotated the refresh token: adopt it, so this tab never
      // replays the rotated one.
      if (message.type === 'signed-in') startSession(message.session)
      else if (message.type === 'session') setSession(message.session)
    }
  })
  const post = (message: TabMessage) => channel?.postMessage(message)

  /** Reports a failure without signing out a user who is signed in. */
  function publishError(error: LoginError) {
    publish(session ? 'signed-in' : 'error', error)
  }

  function setSession(next: Session | undefined, error?: LoginError) {
    session = next
    store?.write(sessionKey, next)
    publish(next ? 'signed-in' : 'signed-out', error)
  }

  /** A new session (sign-in in this tab or another): every older token request is stale. */
  function startSession(next: Session) {
    generation++
    setSession(next)
  }

  /**
   * Ends the session in this tab: a pending sign-in (the stored transaction; a popup's answer)
   * and token requests go with it, and answers still on their way are discarded.
   */
  function clear(error?: LoginError) {
    generation++
    sessionStorage.removeItem(transactionKey)
    requests.abortAll()
    setSession(undefined, error)
  }

  function signOutLocally(error?: LoginError) {
    options.dpop?.reset()
    clear(error)
    post({ type: 'signed-out' })
  }

  /** Throws `session_changed` when a sign-in or sign-out came since `started`. */
  function assertGeneration(started: number, cause?: unknown) {
    if (generation !== started) {
      throw new LoginError('session_changed', 'session changed; result discarded', {
        cause,
      })
    }
  }

  async function login(loginOptions: LoginOptions = {}): Promise<void> {
    const returnTo = toSameOriginPath(
      loginOptions.returnTo ?? location.pathname + location.search + location.hash,
      location.origin,
    )
    if (returnTo === undefined) {
      throw new InvalidArgumentError('"returnTo" must be a path on the app\'s origin')
    }
    const popup = loginOptions.mode === 'popup'
    if (popup && !options.popup) {
      throw new InvalidArgumentError('"mode" popup needs the "popup" option')
    }
    const started = generation
    const transaction: Transaction = {
      state: (popup ? POPUP_STATE_PREFIX : '') + generateRandomState(),
      verifier: generateRandomCodeVerifier(),
      nonce: openid ? generateRandomNonce() : undefined,
      returnTo,
      createdAt: Date.now(),
    }
    try {
      if (options.popup && popup) {
        // Opened before the first await, in the click's own call stack.
        const handle = options.popup.open()
        if (!handle) throw new LoginError('popup_blocked', 'the browser blocked the popup')
        const url = await options.popup.wait(handle, {
          redirectUri: new URL(redirectUri),
          state: transaction.state,
          timeoutMs: loginOptions.timeoutMs ?? 300_000,
          signal: loginOptions.signal,
          navigate: async () => handle.navigate(await authorizationUrl(transaction, loginOptions)),
        })
        // A sign-out since the popup opened voids this attempt (`session_changed`).
        const result = finishCallback(url, transaction.state, transaction, started)
        inFlight.set(transaction.state, result)
        await result
        return
      }
      const url = await authorizationUrl(transaction, loginOptions)
      // A sign-out while discovery ran cancels this sign-in.
      assertGeneration(started)
      saveTransaction(transactionKey, transaction)
      navigate(url)
    } catch (error) {
      // An abort is the app's own doing, and a sign-out since has its own state.
      if (error instanceof LoginError && error.code !== 'aborted' && generation === started) {
        publishError(error)
      }
      throw error
    }
  }

  async function authorizationUrl(transaction: Transaction, login: LoginOptions): Promise<URL> {
    const as = await metadata()
    return withParams(as.authorization_endpoint ?? '', {
      ...options.authorizationParams,
      response_type: 'code',
      client_id: options.clientId,
      redirect_uri: redirectUri,
      scope: options.scope,
      state: transaction.state,
      code_challenge: await calculatePKCECodeChallenge(transaction.verifier),
      code_challenge_method: 'S256',
      nonce: transaction.nonce,
      prompt: login.prompt,
      login_hint: login.loginHint,
    })
  }

  function handleCallback(input: string | URL = location.href): Promise<CallbackResult> {
    const url = new URL(input)
    const cleaned = stripCallbackParams(url)
    const states = url.searchParams.getAll('state')
    const state = states.length === 1 ? states[0] : undefined
    // A second `handleCallback()` in the same page (StrictMode) reads the address bar the first
    // call already cleaned: it joins that call instead of failing.
    const existing =
      state === undefined
        ? url.href === lastCallback?.[0]
          ? lastCallback[1]
          : undefined
        : inFlight.get(state)
    if (existing) return existing
    if (options.popup && state?.startsWith(POPUP_STATE_PREFIX)) {
      options.popup.forward(url, state)
      return Promise.resolve({ returnTo: url.pathname, popup: true })
    }
    // Taken (and so deleted) before any await: every later callback finds nothing.
    const transaction = takeTransaction(transactionKey)
    const result = finishCallback(url, state, transaction, generation)
    if (state !== undefined) inFlight.set(state, result)
    if (cleaned) lastCallback = [cleaned, result]
    return result
  }

  async function finishCallback(
    url: URL,
    state: string | undefined,
    transaction: Transaction | undefined,
    started: number,
  ): Promise<CallbackResult> {
    publish('loading')
    try {
      const fragment = new URLSearchParams(url.hash.slice(1))
      if (
        ['id_token', 'token', 'access_token'].some(
          (name) => url.searchParams.has(name) || fragment.has(name),
        )
      ) {
        throw new LoginError(
          'implicit_response_refused',
          'unexpected "id_token", "token" or "access_token" in the callback',
        )
      }
      if (!transaction) {
        throw new LoginError(
          'missing_transaction',
          'no sign-in attempt is stored for this callback',
        )
      }
      if (state !== transaction.state) {
        throw new LoginError('state_mismatch', 'unexpected "state" response parameter value')
      }
      assertGeneration(started)
      const as = await metadata()
      let params: URLSearchParams
      try {
        params = validateAuthResponse(as, client, url.searchParams, transaction.state)
      } catch (cause) {
        throw oauthError(cause, 'issuer_mismatch', true)
      }
      const result = await callTokenEndpoint(
        requests.run,
        (signal) =>
          authorizationCodeGrantRequest(
            as,
            client,
            auth,
            params,
            redirectUri,
            transaction.verifier,
            { ...requestOptions, signal },
          ),
        (response) =>
          processAuthorizationCodeResponse(as, client, response, {
            requireIdToken: openid,
            ...(transaction.nonce ? { expectedNonce: transaction.nonce } : {}),
          }),
      )
      const next = toSession(result, undefined, options.tokenContext)
      // Signed out (or someone else signed in) while the code was out: these tokens are stale.
      assertGeneration(started)
      startSession(next)
      if (store) post({ type: 'signed-in', session: next })
      return {
        returnTo: toSameOriginPath(transaction.returnTo, location.origin) ?? '/',
        popup: false,
      }
    } catch (cause) {
      const error =
        cause instanceof LoginError
          ? cause
          : new LoginError('token_response_invalid', 'sign-in failed', { cause })
      // A stray or forged callback must not sign out a user who is signed in; after a sign-out
      // (or another sign-in) the state is that one's.
      if (generation === started) publishError(error)
      throw error
    }
  }

  /**
   * Refreshes unless the token `staleAccessToken` was already replaced by a fresher session (by this tab or, through
   * the channel, by another one while this tab waited for the lock).
   */
  function refresh(staleAccessToken: string): Promise<Session> {
    const lock = store?.lock ?? ((_name: string, task: () => Promise<Session>) => task())
    refreshing ??= lock(`${prefix}:refresh`, async () => {
      // Another tab that shares this session may be rotating the refresh token right now; its
      // result arrives over the channel, and replaying the old token would revoke the grant.
      await remote?.wait()
      const current = session
      if (!current) throw notSignedIn()
      if (current.accessToken !== staleAccessToken && isFresh(current)) return current
      const refreshToken = current.refreshToken
      if (!refreshToken) {
        const error = new LoginError('not_signed_in', 'access token expired, no "refresh_token"')
        signOutLocally(error)
        throw error
      }
      const started = generation
      if (store) post({ type: 'refreshing' })
      try {
        const as = await metadata()
        const next = toSession(
          await callTokenEndpoint(
            requests.run,
            (signal) =>
              refreshTokenGrantRequest(as, client, auth, refreshToken, {
                ...requestOptions,
                signal,
              }),
            (response) => processRefreshTokenResponse(as, client, response),
          ),
          current,
          options.tokenContext,
        )
        // A sign-out, or another user's sign-in, while the request was out wins over its result.
        assertGeneration(started)
        setSession(next)
        if (store) post({ type: 'session', session: next })
        return next
      } catch (error) {
        assertGeneration(started, error)
        if (error instanceof LoginError && error.code === 'invalid_grant') signOutLocally(error)
        throw error
      } finally {
        if (store) post({ type: 'idle' })
      }
    }).finally(() => {
      refreshing = undefined
    })
    return refreshing
  }

  /** The session, refreshed first when its access token expires within the leeway. */
  async function freshSession(): Promise<Session> {
    const current = session
    if (!current) throw notSignedIn()
    return isFresh(current) ? current : refresh(current.accessToken)
  }

  const getAccessToken = async () => (await freshSession()).accessToken

  async function authorizedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init)
    if (!resourceOrigins.has(new URL(request.url).origin)) return fetch(request)
    const started = generation
    const send = async (token: string) => {
      // The bearer of a session that ended (or of the next user) never goes out for this call,
      // and an answer for a session that ended meanwhile never reaches the page.
      assertGeneration(started)
      const headers = new Headers(request.headers)
      headers.set('authorization', `Bearer ${token}`)
      // Following a redirect would carry the bearer to wherever the Location points. DPoP turns
      // the bearer into a DPoP token with its proof.
      const response = await (options.dpop?.fetch ?? fetch)(
        new Request(request.clone(), { headers, redirect: 'manual' }),
      )
      assertGeneration(started)
      return response
    }
    const token = await getAccessToken()
    const response = await send(token)
    const challenge = response.headers.get('www-authenticate')
    // A challenge the browser hides from us (CORS) counts as invalid_token.
    if (response.status !== 401 || (challenge && !/invalid_token/.test(challenge))) {
      return response
    }
    return send((await refresh(token)).accessToken)
  }

  async function logout(logoutOptions: LogoutOptions = {}): Promise<void> {
    const previous = session
    signOutLocally()
    const as = await metadata().catch((error: unknown) => {
      // Only a server sign-out needs the metadata; the local one is done.
      if (logoutOptions.endSession) throw error
    })
    const refreshToken = previous?.refreshToken
    if (refreshToken && as?.revocation_endpoint) {
      try {
        // The answer does not matter: the local session is gone either way.
        await requests.run('revocation_endpoint', (signal) =>
          revocationRequest(as, client, auth, refreshToken, { ...requestOptions, signal }),
        )
      } catch {
        // The local session is already gone; the server's refresh token expires on its own.
      }
    }
    if (!logoutOptions.endSession || !as) return
    if (!as.end_session_endpoint) {
      throw new LoginError('end_session_unsupported', 'no "end_session_endpoint" advertised')
    }
    navigate(
      withParams(as.end_session_endpoint, {
        client_id: options.clientId,
        id_token_hint: previous?.idToken,
        post_logout_redirect_uri: postLogoutRedirectUri,
      }),
    )
  }

  return {
    login,
    handleCallback,
    getAccessToken,
    async getIdToken() {
      const { idToken } = await freshSession()
      if (!idToken) throw new LoginError('not_signed_in', 'no "id_token"')
      return idToken
    },
    fetch: authorizedFetch,
    logout,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    getSnapshot: () => snapshot,
    close() {
      remote?.end()
      requests.abortAll()
      channel?.close()
    },
  }
}

const notSignedIn = () => new LoginError('not_signed_in', 'nobody is signed in')
