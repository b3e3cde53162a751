import {
  allowInsecureRequests,
  authorizationCodeGrantRequest,
  type Client,
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
import { checkCallback, stripCallbackParams } from './callback.ts'
import * as env from './env.ts'
import { LoginError } from './errors.ts'
import type {
  CallbackResult,
  LoginClient,
  LoginClientOptions,
  LoginOptions,
} from './loginClient.ts'
import { POPUP_STATE_PREFIX } from './popup.ts'
import { createRefresher } from './refresher.ts'
import { createRequests, REQUEST_TIMEOUT_MS } from './requests.ts'
import { type LoginServer, type RequestOptions, serverMetadata } from './server.ts'
import type { Session } from './session.ts'
import { createSessionState, type Epoch } from './sessionState.ts'
import { createLogout } from './signOut.ts'
import { type TabMessage, tabSync } from './tabSync.ts'
import { callTokenEndpoint, oauthError, toSession } from './tokenEndpoint.ts'
import {
  authorizationUrl,
  dropExpiredTransaction,
  saveTransaction,
  type Transaction,
  takeTransaction,
} from './transaction.ts'
import { parseUrlOption, toSameOriginPath } from './urls.ts'

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
  const store = options.storage === 'memory' ? undefined : options.storage
  if (store && typeof store.share !== 'function') {
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

  dropExpiredTransaction(transactionKey)
  const sessionState = createSessionState(store, `${prefix}:session`)
  /** The latest callback: a repeat of it (StrictMode's second effect) joins it. */
  let last:
    | [state: string | undefined, cleanedHref: string | undefined, Promise<CallbackResult>]
    | undefined

  const post = (message: TabMessage) => channel?.postMessage(message)
  /** The other tabs' sessions and refreshes (sessionStore only). */
  const shared = store?.share(sessionState, post, `${prefix}:refresh`)
  const channel = tabSync(prefix, (message) => {
    shared?.receive(message)
    // Another tab signed out: so does this one, with its sign-in in progress and its error.
    if (message.type === 'signed-out' && sessionState.getSnapshot().status !== 'signed-out') clear()
  })

  /**
   * Ends the session in this tab: a pending sign-in (the stored transaction; a popup's answer)
   * and token requests go with it, and answers still on their way are discarded.
   */
  function clear(error?: LoginError) {
    env.storage().removeItem(transactionKey)
    requests.abortAll()
    sessionState.renew(undefined, error)
  }

  /** Ends the session in this tab and the others; returns the session it ended. */
  function signOutLocally(error?: LoginError): Session | undefined {
    const previous = sessionState.session()
    options.dpop?.reset()
    clear(error)
    post({ type: 'signed-out' })
    return previous
  }

  const fresh = createRefresher(
    sessionState,
    async (current, refreshToken) => {
      const as = await metadata()
      return toSession(
        await callTokenEndpoint(
          requests.run,
          (signal) =>
            refreshTokenGrantRequest(as, client, auth, refreshToken, { ...requestOptions, signal }),
          (response) => processRefreshTokenResponse(as, client, response),
        ),
        current,
        options,
      )
    },
    signOutLocally,
    shared,
  )

  async function login(loginOptions: LoginOptions = {}): Promise<void> {
    const returnTo = toSameOriginPath(loginOptions.returnTo ?? location.href, location.origin)
    if (returnTo === undefined) {
      throw new InvalidArgumentError('"returnTo" must be a path on the app\'s origin')
    }
    // `false` in redirect mode, `undefined` for popup mode without the `popup` option.
    const popup = loginOptions.mode === 'popup' && options.popup
    if (popup === undefined) {
      throw new InvalidArgumentError('"mode" popup needs the "popup" option')
    }
    const started = sessionState.epoch()
    const transaction: Transaction = {
      state: (popup ? POPUP_STATE_PREFIX : '') + generateRandomState(),
      verifier: generateRandomCodeVerifier(),
      nonce: openid ? generateRandomNonce() : undefined,
      returnTo,
      createdAt: env.now(),
    }
    try {
      if (popup) {
        // Opens the popup before the first await, in the click's own call stack.
        const url = await popup.start({
          ...loginOptions,
          redirectUri,
          state: transaction.state,
          url: async () =>
            authorizationUrl(await metadata(), options, redirectUri, transaction, loginOptions),
        })
        // A sign-out since the popup opened voids this attempt (`session_changed`).
        await finishCallback(url, transaction.state, transaction, started)
        return
      }
      const url = await authorizationUrl(
        await metadata(),
        options,
        redirectUri,
        transaction,
        loginOptions,
      )
      // A sign-out while discovery ran cancels this sign-in.
      started()
      saveTransaction(transactionKey, transaction)
      navigate(url)
    } catch (error) {
      // An abort is the app's own doing, and a sign-out since has its own state.
      if (error instanceof LoginError && error.code !== 'aborted') sessionState.fail(error, started)
      throw error
    }
  }

  function handleCallback(input: string | URL = location.href): Promise<CallbackResult> {
    const url = new URL(input)
    const cleaned = stripCallbackParams(url)
    const states = url.searchParams.getAll('state')
    const state = states.length === 1 ? states[0] : undefined
    // A second `handleCallback()` in the same page (StrictMode) reads the address bar the first
    // call already cleaned: it joins that call instead of failing.
    if (last && (state === undefined ? url.href === last[1] : state === last[0])) return last[2]
    if (options.popup?.forward(url, state)) {
      return Promise.resolve({ returnTo: url.pathname, popup: true })
    }
    // Taken (and so deleted) before any await: every later callback finds nothing.
    const transaction = takeTransaction(transactionKey)
    const result = finishCallback(url, state, transaction, sessionState.epoch())
    last = [state, cleaned, result]
    return result
  }

  async function finishCallback(
    url: URL,
    state: string | undefined,
    transaction: Transaction | undefined,
    started: Epoch,
  ): Promise<CallbackResult> {
    sessionState.publish('loading')
    try {
      checkCallback(url, state, transaction)
      started()
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
      const next = toSession(result, undefined, options)
      // Signed out (or someone else signed in) while the code was out: these tokens are stale.
      started()
      sessionState.renew(next)
      shared?.post({ type: 'signed-in', session: next })
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
      sessionState.fail(error, started)
      throw error
    }
  }

  const getAccessToken = async () => (await fresh()).accessToken

  async function authorizedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init)
    if (!resourceOrigins.has(new URL(request.url).origin)) return fetch(request)
    const started = sessionState.epoch()
    const send = async (token: string) => {
      // The bearer of a session that ended (or of the next user) never goes out for this call,
      // and an answer for a session that ended meanwhile never reaches the page.
      started()
      const headers = new Headers(request.headers)
      headers.set('authorization', `Bearer ${token}`)
      // Following a redirect would carry the bearer to wherever the Location points. DPoP turns
      // the bearer into a DPoP token with its proof.
      const response = await (options.dpop?.fetch ?? fetch)(
        new Request(request.clone(), { headers, redirect: 'manual' }),
      )
      started()
      return response
    }
    const token = await getAccessToken()
    const response = await send(token)
    const challenge = response.headers.get('www-authenticate')
    // A challenge the browser hides from us (CORS) counts as invalid_token.
    if (response.status !== 401 || (challenge && !/invalid_token/.test(challenge))) {
      return response
    }
    return send((await fresh(token)).accessToken)
  }

  return {
    login,
    handleCallback,
    getAccessToken,
    async getIdToken() {
      const { idToken } = await fresh()
      if (!idToken) throw new LoginError('not_signed_in', 'no "id_token"')
      return idToken
    },
    fetch: authorizedFetch,
    logout: createLogout(
      options,
      insecure,
      signOutLocally,
      metadata,
      (as, refreshToken) =>
        requests.run('revocation_endpoint', (signal) =>
          revocationRequest(as, client, auth, refreshToken, { ...requestOptions, signal }),
        ),
      navigate,
    ),
    subscribe: sessionState.subscribe,
    getSnapshot: sessionState.getSnapshot,
    close() {
      shared?.end()
      requests.abortAll()
      channel?.close()
    },
  }
}
