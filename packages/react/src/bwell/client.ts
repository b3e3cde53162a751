import { checkRedirectUrl, InvalidArgumentError } from '@oauth-connect/core/connect'
import type { BwellOperation } from './documents.ts'
import { isSecurityError, unauthorized } from './errors.ts'
import {
  type Fields,
  object,
  string,
  toConnection,
  toConnections,
  toDataSource,
  toIssues,
  toSdkConfiguration,
  toSearchResults,
  toStatusUpdate,
  toSubscriptionConnections,
} from './parse.ts'
import { BwellSession } from './session.ts'
import { createTransport } from './transport.ts'
import type {
  Connection,
  ConnectionStatusUpdate,
  DataSource,
  MemberConnectionsFilter,
  OperationOutcomeIssue,
  RequestConnectionInput,
  SdkConfiguration,
  SearchHealthResourcesInput,
  SearchHealthResourcesResults,
} from './types.ts'

/** Options of {@link createBwellClient}. */
export interface BwellClientOptions {
  /**
   * b.well's GraphQL endpoint, `https://api.<env>.icanbwell.com/v1/graphql`. Only `https:`, or
   * `http:` on a loopback host, is accepted: the client sends bearer tokens to it (SEC-30).
   */
  readonly endpoint: string
  /** The client key b.well issued to the app at onboarding (base64 JSON). */
  readonly clientKey: string
  /**
   * The token the app's own identity provider issued to the signed-in user, which b.well trusts
   * for this client key. Called before every operation: a different token means another user,
   * and drops the session.
   */
  readonly getIdentityToken: () => string | Promise<string>
  /** A `fetch` to use instead of the global one. */
  readonly fetch?: typeof fetch
  /** Each request fails with `timeout` after this many ms. Default 30 000. */
  readonly timeoutMs?: number
  /** Refresh the b.well access token this long before its `exp` (at most half its lifetime). Default 60 000. */
  readonly refreshLeewayMs?: number
  /** The clock, in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number
}

/** Per-call options. */
export interface BwellRequestOptions {
  /** Aborts this request (`aborted`); a session exchange it waits for goes on for the others. */
  readonly signal?: AbortSignal
}

/** The arguments of `createConnection`, for `BASIC` data sources. */
export interface CreateConnectionInput {
  readonly connectionId: string
  readonly username: string
  /** Sent once, never kept by the client. */
  readonly password: string
}

/**
 * A typed client for b.well's connect flow. Every method rejects only with a {@link BwellError}
 * (or an `InvalidArgumentError` for an argument of the wrong shape), and every response is checked
 * before it is returned.
 */
export interface BwellClient {
  /** `initSdk`: the app's configuration for the configured client key; needs no user. */
  initSdk(
    options?: BwellRequestOptions & { readonly organizationId?: string },
  ): Promise<SdkConfiguration>
  /** `searchHealthResources`. A result's `connectionId` is its `endpoint[0].name`, or `null`. */
  searchHealthResources(
    searchInput?: SearchHealthResourcesInput,
    options?: BwellRequestOptions,
  ): Promise<SearchHealthResourcesResults>
  /** `getDataSource`: its `category` says `OAUTH` (popup) or `BASIC` (credentials). */
  getDataSource(connectionId: string, options?: BwellRequestOptions): Promise<DataSource>
  /**
   * `getOauthUrl`: the provider's consent URL for an `OAUTH` source. b.well returns to the target
   * registered for the client key; there is no redirect argument.
   *
   * @returns `redirectUrl`, still to be checked by `connectProvider` before use
   */
  getOauthUrl(connectionId: string, options?: BwellRequestOptions): Promise<string>
  /** `createConnection` for a `BASIC` source. */
  createConnection(input: CreateConnectionInput, options?: BwellRequestOptions): Promise<Connection>
  /** The user's connections through `getMemberConnections`. */
  getMemberConnections(
    filter?: MemberConnectionsFilter,
    options?: BwellRequestOptions,
  ): Promise<readonly Connection[]>
  /**
   * The user's connections read from b.well's FHIR Subscriptions
   * (`subscriptions(_source: { value: "https://icanbwell.com/proa" })`), the way b.well's own SDK
   * reads them: entries missing an id, name, category, type or created date are left out, and
   * `integrationType` is always `null`.
   */
  getSubscriptionConnections(options?: BwellRequestOptions): Promise<readonly Connection[]>
  /** `disconnectConnection`: stops syncing, keeps the data. */
  disconnectConnection(
    connectionId: string,
    options?: BwellRequestOptions,
  ): Promise<ConnectionStatusUpdate>
  /** `deleteConnection`: removes the connection and its data. */
  deleteConnection(
    connectionId: string,
    options?: BwellRequestOptions,
  ): Promise<ConnectionStatusUpdate>
  /** `requestConnection`: asks b.well to add a missing source; resolves with its issues. */
  requestConnection(
    input: RequestConnectionInput,
    options?: BwellRequestOptions,
  ): Promise<readonly OperationOutcomeIssue[]>
  /** Drops the b.well session (SEC-27). Call it at sign-out; the next operation starts anew. */
  signOut(): void
}

/** The `_source` of b.well's connection Subscriptions. */
export const PROA_SOURCE = 'https://icanbwell.com/proa'

function assertId(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || !value) throw new InvalidArgumentError(`invalid "${field}"`)
}

/**
 * Creates a b.well client on graphql-request that owns the user's b.well session: `getToken` with
 * the app's identity token on first use, `refresh` shortly before the access token's `exp`, one
 * exchange at a time, and one re-authentication after a security error (then `unauthorized`).
 *
 * @param options endpoint, client key, identity token source, and optional `fetch`, timeout, clock
 * @returns the client
 * @throws {InvalidArgumentError} when `endpoint` is not `https:` (or `http:` on loopback), or an
 *   option has the wrong type; no request is sent then (SEC-30)
 */
export function createBwellClient(options: BwellClientOptions): BwellClient {
  const {
    endpoint,
    clientKey,
    getIdentityToken,
    timeoutMs = 30_000,
    refreshLeewayMs = 60_000,
    now = Date.now,
  } = options
  if (!checkRedirectUrl(endpoint)) {
    throw new InvalidArgumentError(
      '"endpoint" must be an absolute https: URL (or http: on a loopback host)',
    )
  }
  assertId(clientKey, 'clientKey')
  if (typeof getIdentityToken !== 'function') {
    throw new InvalidArgumentError('invalid "getIdentityToken"')
  }
  if (!(timeoutMs > 0) || !(refreshLeewayMs >= 0)) {
    throw new InvalidArgumentError('invalid "timeoutMs" or "refreshLeewayMs"')
  }
  const send = createTransport(
    endpoint,
    timeoutMs,
    options.fetch ?? ((input, init) => fetch(input, init)),
  )
  const session = new BwellSession({ send, clientKey, getIdentityToken, now, refreshLeewayMs })

  /** Sends an authenticated operation: one re-authentication after a security error. */
  async function call(
    operation: BwellOperation,
    variables: Fields,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await session.accessToken(signal)
      try {
        const data = await send(operation, variables, { authorization: `Bearer ${token}` }, signal)
        return data[operation]
      } catch (error) {
        if (!isSecurityError(error)) throw error
        if (attempt === 0) {
          session.invalidate(token)
          continue
        }
        throw unauthorized(
          error,
          operation,
          `b.well refused "${operation}" after re-authenticating`,
        )
      }
    }
  }

  return {
    async initSdk({ signal, organizationId } = {}) {
      const data = await send(
        'initSdk',
        { clientKey, ...(organizationId !== undefined && { organizationId }) },
        {},
        signal,
      )
      return toSdkConfiguration(data.initSdk, 'initSdk')
    },
    async searchHealthResources(searchInput = {}, { signal } = {}) {
      const value = await call('searchHealthResources', { searchInput }, signal)
      return toSearchResults(value, 'searchHealthResources')
    },
    async getDataSource(connectionId, { signal } = {}) {
      assertId(connectionId, 'connectionId')
      return toDataSource(await call('getDataSource', { connectionId }, signal), 'getDataSource')
    },
    async getOauthUrl(connectionId, { signal } = {}) {
      assertId(connectionId, 'connectionId')
      const value = await call('getOauthUrl', { connectionId }, signal)
      return string(object(value, 'getOauthUrl').redirectUrl, 'getOauthUrl.redirectUrl')
    },
    async createConnection({ connectionId, username, password }, { signal } = {}) {
      assertId(connectionId, 'connectionId')
      if (typeof username !== 'string' || typeof password !== 'string') {
        throw new InvalidArgumentError('invalid "username" or "password"')
      }
      const value = await call('createConnection', { connectionId, username, password }, signal)
      return toConnection(value, 'createConnection')
    },
    async getMemberConnections(filter = {}, { signal } = {}) {
      const value = await call('getMemberConnections', { ...filter }, signal)
      return toConnections(value, 'getMemberConnections')
    },
    async getSubscriptionConnections({ signal } = {}) {
      const value = await call('subscriptions', { source: { value: PROA_SOURCE } }, signal)
      return toSubscriptionConnections(value, 'subscriptions')
    },
    async disconnectConnection(connectionId, { signal } = {}) {
      assertId(connectionId, 'connectionId')
      const value = await call('disconnectConnection', { connectionId }, signal)
      return toStatusUpdate(value, 'disconnectConnection')
    },
    async deleteConnection(connectionId, { signal } = {}) {
      assertId(connectionId, 'connectionId')
      const value = await call('deleteConnection', { connectionId }, signal)
      return toStatusUpdate(value, 'deleteConnection')
    },
    async requestConnection(input, { signal } = {}) {
      const value = await call('requestConnection', { ...input }, signal)
      if (value === null || value === undefined) return []
      return toIssues(object(value, 'requestConnection').issue)
    },
    signOut: () => session.clear(),
  }
}
