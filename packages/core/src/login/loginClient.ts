import type { DPoPBinding } from '../dpop/binding.ts'
import type { createLoginClient } from './createLoginClient.ts'
import type { LoginError } from './errors.ts'
import type { PopupLogin } from './popup.ts'
import type { IdTokenClaims, SessionContext } from './session.ts'
import type { SessionStore } from './sessionStore.ts'
import type { TokenContext } from './tokenEndpoint.ts'

/** Where the client keeps tokens: `'memory'`, or memory plus the opt-in `sessionStore`. */
export type TokenStorage = 'memory' | SessionStore

/** Options of {@link createLoginClient}. */
export interface LoginClientOptions {
  /** The public client's id. No secret exists: token endpoint authentication is `none`. */
  readonly clientId: string
  /** Registered redirect URI, on the app's own origin (`http://localhost:5173/callback`). */
  readonly redirectUri: string
  /** Space-separated scopes; `openid` turns on the nonce and ID-token validation. */
  readonly scope: string
  /**
   * `'memory'` (default): tokens live in this tab's memory and are gone on reload.
   * `sessionStore` (import it): tokens also go to sessionStorage, survive a reload of the tab,
   * and are shared with the app's other tabs over BroadcastChannel. Never localStorage or
   * cookies. Left out, the storage and cross-tab refresh code is not bundled.
   */
  readonly storage?: TokenStorage | undefined
  /** Allow `http:` for the authorization server and resources on loopback hosts only (development). */
  readonly allowInsecureLoopback?: boolean | undefined
  /** Origins that receive the bearer token from {@link LoginClient.fetch}; every other origin gets none. */
  readonly resourceOrigins?: readonly string[] | undefined
  /** Where end-session returns the user after `logout({ endSession: true })`. */
  readonly postLogoutRedirectUri?: string | undefined
  /** Sends the tab to a URL. Defaults to `location.assign`; hosts with their own browser can replace it. */
  readonly navigate?: ((url: URL) => void) | undefined
  /**
   * How long one request to the authorization server (discovery, token, refresh, revocation)
   * may take, body included, before it fails with `timeout`. Default 30 000 ms.
   */
  readonly requestTimeoutMs?: number | undefined
  /**
   * Enables `login({ mode: 'popup' })`: pass `popupLogin`. Give it to the client of the callback
   * page too, which then forwards a popup's callback to the opener. Left out, the popup code is
   * not bundled.
   */
  readonly popup?: PopupLogin | undefined
  /**
   * Extra parameters for the authorization request (SMART's `aud`). The client's own parameters
   * (`state`, `code_challenge`, `scope`, …) always win over these.
   */
  readonly authorizationParams?: Readonly<Record<string, string>> | undefined
  /**
   * Reads what the app keeps from each token response beside the tokens (SMART's launch
   * context), given what the previous response of this session kept. Throw a `LoginError` to
   * refuse the response: nothing is stored. What it returns is the snapshot's `context`.
   */
  readonly tokenContext?: TokenContext | undefined
  /**
   * Sender-constrained tokens (RFC 9449): pass `dpop()` from `@oauth-connect/core/dpop`. Token
   * requests and {@link LoginClient.fetch} then carry DPoP proofs; the resource servers must
   * accept `Authorization: DPoP`. Left out, the DPoP code is not bundled.
   */
  readonly dpop?: DPoPBinding | undefined
}

/** The sign-in state, as reported by {@link LoginClient.getSnapshot}. */
export type AuthStatus = 'loading' | 'signed-out' | 'signed-in' | 'error'

/** Immutable view of the sign-in state; a new object on every change. */
export interface AuthSnapshot {
  readonly status: AuthStatus
  /** The signed-in user's ID-token claims; `undefined` unless signed in with `openid`. */
  readonly claims: IdTokenClaims | undefined
  /** What the `tokenContext` option kept from the token responses; `undefined` without one. */
  readonly context?: SessionContext | undefined
  /** Why the last sign-in failed (`status: 'error'`) or why the user was signed out. */
  readonly error: LoginError | undefined
}

/** Options of {@link LoginClient.login}. */
export interface LoginOptions {
  /**
   * `'redirect'` (default) sends the whole tab to the server. `'popup'` opens a popup instead;
   * call `login` straight from the click handler, before any `await`, or browsers block it.
   */
  readonly mode?: 'redirect' | 'popup' | undefined
  /** Redirect mode: a path on the app's origin to return to; defaults to the current path. */
  readonly returnTo?: string | undefined
  /** Popup mode: closes the popup and rejects with `aborted`. */
  readonly signal?: AbortSignal | undefined
  /** Popup mode: give up (and close the popup) after this long. Default 300 000 ms. */
  readonly timeoutMs?: number | undefined
  /**
   * OpenID `prompt`: `'login'` asks for the password even when the server still has a session
   * (use it on a shared device), `'none'` fails instead of showing any page,
   * `'select_account'` and `'consent'` as the server supports them.
   */
  readonly prompt?: 'login' | 'none' | 'consent' | 'select_account' | (string & {}) | undefined
  /** OpenID `login_hint`: the username to fill in on the server's sign-in page. */
  readonly loginHint?: string | undefined
}

/** Result of {@link LoginClient.handleCallback}. */
export interface CallbackResult {
  /** The same-origin path the sign-in started from; safe to navigate to. */
  readonly returnTo: string
  /**
   * `true` on the callback page inside a sign-in popup: the URL went to the opener, which
   * finishes the sign-in, and this window is closing. Render nothing or a short note.
   */
  readonly popup: boolean
}

/** Options of {@link LoginClient.logout}. */
export interface LogoutOptions {
  /**
   * Also end the authorization server's session (OpenID RP-Initiated Logout): the tab goes to
   * its `end_session_endpoint`, so the next sign-in asks for a password again. Rejects with
   * `end_session_unsupported` when the server advertises none; the local session is gone anyway.
   */
  readonly endSession?: boolean | undefined
}

/** A PKCE sign-in client for one authorization server and one public client. */
export interface LoginClient {
  /**
   * Starts a sign-in with a fresh S256 verifier, `state` and (with `openid`) `nonce`.
   * Redirect mode stores them in sessionStorage and sends the tab to the authorization endpoint.
   * Popup mode keeps them in memory, opens the popup synchronously, and resolves once signed in.
   *
   * A failure is also reported in the snapshot's `error` (status `error` unless signed in).
   *
   * @throws {InvalidArgumentError} when `returnTo` is not on the app's origin.
   * @throws {LoginError} `discovery_failed`, `timeout`, `session_changed`; in popup mode also
   *   `popup_blocked`, `popup_closed`, `aborted` and every {@link LoginClient.handleCallback} code.
   * @see https://www.rfc-editor.org/rfc/rfc7636 PKCE
   */
  login(options?: LoginOptions): Promise<void>
  /**
   * Finishes a sign-in from the callback URL, exactly once per `state`: repeated calls share
   * one result and one token request. `code`, `state` and `iss` leave the address bar first.
   *
   * @param url The callback URL; defaults to `location.href`.
   * @returns The path to return to.
   * @throws {LoginError} `missing_transaction`, `state_mismatch`, `issuer_mismatch`, `denied`,
   *   `authorization_failed`, `implicit_response_refused`, `invalid_grant`,
   *   `token_response_invalid`, `network_error`, `discovery_failed`, `timeout`, `aborted`,
   *   `session_changed` (a sign-out came first: the tokens were discarded).
   * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.2.4
   */
  handleCallback(url?: string | URL): Promise<CallbackResult>
  /**
   * The current access token, refreshed when it expires within 60 s. Concurrent callers share
   * one refresh; tabs take turns through Web Locks.
   *
   * @throws {LoginError} `not_signed_in`, `invalid_grant` (and the user is signed out),
   *   `token_response_invalid`, `network_error`, `timeout`, `session_changed` (a sign-out or
   *   another user's sign-in came first: the refreshed tokens were discarded).
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
   */
  getAccessToken(): Promise<string>
  /**
   * The signed-in user's ID token (for APIs that take the identity token, such as b.well's
   * `getToken`), from a session refreshed like {@link LoginClient.getAccessToken}'s.
   *
   * @throws {LoginError} `not_signed_in` (also without `openid` in the scope), and every
   *   {@link LoginClient.getAccessToken} code.
   */
  getIdToken(): Promise<string>
  /**
   * `fetch` that adds `Authorization: Bearer` for the configured resource origins only, never
   * follows redirects with it, and after a 401 `invalid_token` refreshes once and retries once.
   * A request started for one session never carries another session's token: it rejects with
   * `session_changed` instead.
   *
   * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>
  /**
   * Signs out in every tab, revokes the refresh token where the server supports it and, with
   * `endSession`, ends the server session. The local session goes first, with any pending
   * sign-in (its verifier, state and nonce) and every token request in flight, whose answers
   * are discarded. Revocation failures are ignored: the local session is gone either way.
   *
   * @throws {LoginError} with `endSession` only: `end_session_unsupported`, `discovery_failed`.
   * @see https://www.rfc-editor.org/rfc/rfc7009
   * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html
   */
  logout(options?: LogoutOptions): Promise<void>
  /** Calls `listener` after every state change. @returns a function that unsubscribes. */
  subscribe(listener: () => void): () => void
  /** The current state; the same object until it changes (for `useSyncExternalStore`). */
  getSnapshot(): AuthSnapshot
  /** Stops listening to other tabs and aborts every request and popup sign-in in flight. */
  close(): void
}
