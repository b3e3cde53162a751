import {
  ClientError,
  GraphQLClient,
  type TypedDocumentString,
  type Variables,
} from 'graphql-request'
import {
  type Connection,
  ConnectionDocument,
  CreateConnectionDocument,
  DisconnectConnectionDocument,
  GetOauthUrlDocument,
  type Provider,
  SearchProvidersDocument,
} from './documents.ts'
import { BwellError } from './errors.ts'

/** Options of {@link createBwellClient}. */
export interface BwellClientOptions {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/v1/graphql`. */
  readonly endpoint: string
  /** The signed-in user's access token, sent as `Authorization: Bearer …` on every operation. */
  readonly getAccessToken: () => string | Promise<string>
  /** A `fetch` to use instead of the global one. */
  readonly fetch?: typeof fetch
}

/** Per-call options. */
export interface BwellRequestOptions {
  readonly signal?: AbortSignal
}

/** A typed client for the b.well connection API. Every method rejects only with {@link BwellError}. */
export interface BwellClient {
  searchProviders(query: string, options?: BwellRequestOptions): Promise<readonly Provider[]>
  createConnection(providerId: string, options?: BwellRequestOptions): Promise<Connection>
  /**
   * Fetches the provider's OAuth URL for a connection.
   *
   * @param options.redirectUri a custom redirect URL on the app's origin; omit for the hosted page
   * @returns `redirectUrl`, still to be checked by `connectProvider` before use
   */
  getOauthUrl(
    connectionId: string,
    options?: BwellRequestOptions & { readonly redirectUri?: string },
  ): Promise<string>
  /** @returns the connection, or `null` when there is none with this id */
  connection(id: string, options?: BwellRequestOptions): Promise<Connection | null>
  disconnectConnection(id: string, options?: BwellRequestOptions): Promise<Connection>
}

type Fields = Readonly<Record<string, unknown>>

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function field(data: unknown, name: string): unknown {
  return isObject(data) ? data[name] : undefined
}

function invalid(path: string): BwellError {
  return new BwellError('invalid_response', `invalid "${path}" in the b.well response`)
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string' || !value) throw invalid(path)
  return value
}

function toConnection(value: unknown, path: string): Connection {
  if (!isObject(value)) throw invalid(path)
  return {
    id: string(value.id, `${path}.id`),
    providerId: string(value.providerId, `${path}.providerId`),
    status: string(value.status, `${path}.status`),
  }
}

function toProvider(value: unknown, path: string): Provider {
  if (!isObject(value)) throw invalid(path)
  const { logoUrl } = value
  if (logoUrl !== null && logoUrl !== undefined && typeof logoUrl !== 'string') {
    throw invalid(`${path}.logoUrl`)
  }
  return {
    id: string(value.id, `${path}.id`),
    name: string(value.name, `${path}.name`),
    category: string(value.category, `${path}.category`),
    logoUrl: logoUrl ?? null,
  }
}

function fromClientError(error: ClientError, operation: string): BwellError {
  const { errors, status } = error.response
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined
  if (first !== undefined) {
    const code = field(field(first, 'extensions'), 'code')
    return new BwellError('graphql_error', `graphql errors in "${operation}"`, {
      cause: error,
      graphqlCode: typeof code === 'string' ? code : undefined,
      status,
    })
  }
  return new BwellError('http_error', `http ${status} from "${operation}"`, {
    cause: error,
    status,
  })
}

/**
 * Creates a typed b.well GraphQL client on graphql-request. GraphQL `errors` (also with null or
 * partial data), non-2xx responses, non-JSON bodies, network failures and missing or mistyped
 * fields all reject with a {@link BwellError}; no unchecked value is ever returned.
 *
 * @param options endpoint, token source and optional `fetch`
 * @returns the client
 */
export function createBwellClient(options: BwellClientOptions): BwellClient {
  const { endpoint, getAccessToken } = options
  const baseFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const client = new GraphQLClient(endpoint, {
    // Tag failures before a response exists, so they are not mistaken for bad responses.
    fetch: async (input, init) => {
      try {
        return await baseFetch(input, init)
      } catch (cause) {
        throw new BwellError('network_error', `no response from "${endpoint}"`, { cause })
      }
    },
  })

  async function run<Result, Vars extends Variables>(
    operation: string,
    document: TypedDocumentString<Result, Vars>,
    variables: Vars,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    let token: string
    try {
      token = await getAccessToken()
    } catch (cause) {
      throw new BwellError('no_access_token', '"getAccessToken" failed', { cause })
    }
    if (typeof token !== 'string' || !token) {
      throw new BwellError('no_access_token', '"getAccessToken" returned no token')
    }
    try {
      const data: unknown = await client.request<unknown, Variables>({
        document: document as unknown as string,
        variables,
        requestHeaders: { authorization: `Bearer ${token}` },
        ...(signal && { signal }),
      })
      return field(data, operation)
    } catch (error) {
      if (error instanceof BwellError) throw error
      if (error instanceof ClientError) throw fromClientError(error, operation)
      throw new BwellError('invalid_response', `unreadable response from "${operation}"`, {
        cause: error,
      })
    }
  }

  return {
    async searchProviders(query, { signal } = {}) {
      const list = await run('searchProviders', SearchProvidersDocument, { query }, signal)
      if (!Array.isArray(list)) throw invalid('searchProviders')
      return list.map((item, index) => toProvider(item, `searchProviders.${index}`))
    },
    async createConnection(providerId, { signal } = {}) {
      const value = await run('createConnection', CreateConnectionDocument, { providerId }, signal)
      return toConnection(value, 'createConnection')
    },
    async getOauthUrl(connectionId, { signal, redirectUri } = {}) {
      const value = await run(
        'getOauthUrl',
        GetOauthUrlDocument,
        { connectionId, ...(redirectUri && { redirectUri }) },
        signal,
      )
      return string(field(value, 'redirectUrl'), 'getOauthUrl.redirectUrl')
    },
    async connection(id, { signal } = {}) {
      const value = await run('connection', ConnectionDocument, { id }, signal)
      return value === null ? null : toConnection(value, 'connection')
    },
    async disconnectConnection(id, { signal } = {}) {
      const value = await run('disconnectConnection', DisconnectConnectionDocument, { id }, signal)
      return toConnection(value, 'disconnectConnection')
    },
  }
}
