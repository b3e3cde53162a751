import type { CustomFetchOptions, customFetch } from 'oauth4webapi'

/**
 * What the login client's `dpop` option holds (made by `dpop()` of `@oauth-connect/core/dpop`).
 * Type only: the login entry bundles none of the DPoP code unless an app passes `dpop()`.
 *
 * The login client spreads it into the options of its oauth4webapi token requests, so token
 * requests (code exchange, refresh) go through its `customFetch`, which adds the proof; its
 * `fetch` sends {@link LoginClient.fetch}'s requests to the resource origins.
 */
export interface DPoPBinding {
  /**
   * Sends one token request with a DPoP proof, once more when the server asks for a nonce
   * (`use_dpop_nonce`). A request without `grant_type` (revocation) goes out as it is. A token
   * response must say `token_type: DPoP`; the login client then gets it as `Bearer`, the only
   * type it takes, and sends it through {@link DPoPBinding.fetch}, never as a bearer token.
   *
   * @throws {LoginError} `dpop_key_lost` on a refresh whose key is gone.
   */
  readonly [customFetch]: (
    url: string,
    init: CustomFetchOptions<'POST', URLSearchParams>,
  ) => Promise<Response>
  /**
   * Sends a request the login client made for a resource origin (`Authorization: Bearer`,
   * `redirect: 'manual'`) as `Authorization: DPoP` with a proof bound to its method, URL and
   * token; a `use_dpop_nonce` challenge is answered once.
   *
   * @throws {LoginError} `dpop_key_lost` when the session's key is gone.
   */
  readonly fetch: (request: Request) => Promise<Response>
  /** Sign-out: a new key for the next session. */
  readonly reset: () => void
}
