import type { IncomingMessage, ServerResponse } from 'node:http'
import { Kind, type OperationDefinitionNode, parse } from 'graphql'
import { createGraphQLError, createSchema, createYoga } from 'graphql-yoga'
import type { Origins } from '../config.ts'
import { applyHttpFaults, type FaultContext, type FaultStore } from '../faults.ts'
import { applyCors, BadRequestError, bearerToken, isRecord, readBody, sendJson } from '../http.ts'
import type { AccessTokenVerifier } from '../medblocks/accessToken.ts'
import type { Connection, ConnectionStore } from './connections.ts'
import type { FlowAuthority } from './flow.ts'
import { findDataProvider, searchDataProviders } from './providers.ts'

const typeDefs = /* GraphQL */ `
  "A health-data source a user can connect."
  type Provider {
    id: ID!
    name: String!
    category: String!
    logoUrl: String!
  }

  "b.well's connection lifecycle."
  enum ConnectionStatus {
    NEW
    RETRIEVING_DATA
    DATA_RETRIEVED
    EXPIRED
    DISCONNECTED
    DELETED
    ACCESS_ENDED
  }

  type Connection {
    id: ID!
    providerId: ID!
    status: ConnectionStatus!
    provider: Provider
  }

  type OauthUrl {
    redirectUrl: String!
  }

  type Query {
    searchProviders(query: String!): [Provider!]!
    getOauthUrl(connectionId: String!, redirectUri: String): OauthUrl!
    connection(id: ID!): Connection
  }

  type Mutation {
    createConnection(providerId: ID!): Connection!
    disconnectConnection(id: ID!): Connection!
  }
`

/** What every resolver knows about the caller. */
interface RequestContext {
  /** The verified Medblocks user, when the bearer token checked out. */
  username?: string | undefined
}

// createGraphQLError uses graphql-yoga's own graphql instance: an error class from another copy
// (ESM versus CJS) would fail its instanceof check and be masked as INTERNAL_SERVER_ERROR.
function unauthenticated() {
  return createGraphQLError('a valid Medblocks access token is required', {
    extensions: { code: 'UNAUTHENTICATED' },
  })
}

function notFound(what: string) {
  return createGraphQLError(`${what} not found`, { extensions: { code: 'NOT_FOUND' } })
}

function badInput(message: string) {
  return createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } })
}

function requireUser(context: RequestContext): string {
  if (!context.username) throw unauthenticated()
  return context.username
}

/**
 * Accepts a custom redirect URL only on the registered app origin: an absolute http(s) URL with
 * no credentials whose origin equals it exactly.
 */
export function isRegisteredRedirect(value: string, appOrigin: string): boolean {
  if (value.length > 2048) return false
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
  if (url.username !== '' || url.password !== '') return false
  return url.origin === appOrigin && value.startsWith(`${appOrigin}/`)
}

/** The root fields and id-like arguments of a request, for matching test faults. */
export function describeOperation(body: unknown): Omit<FaultContext, 'target' | 'username'> {
  if (!isRecord(body) || typeof body.query !== 'string') return {}
  const variables = isRecord(body.variables) ? body.variables : {}
  let operation: OperationDefinitionNode | undefined
  try {
    const document = parse(body.query)
    operation = document.definitions.find(
      (d): d is OperationDefinitionNode =>
        d.kind === Kind.OPERATION_DEFINITION &&
        (typeof body.operationName !== 'string' || d.name?.value === body.operationName),
    )
  } catch {
    return {}
  }
  if (!operation) return {}
  const fields: string[] = []
  const args: Record<string, string> = {}
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue
    fields.push(selection.name.value)
    for (const arg of selection.arguments ?? []) {
      const value =
        arg.value.kind === Kind.VARIABLE
          ? variables[arg.value.name.value]
          : arg.value.kind === Kind.STRING
            ? arg.value.value
            : undefined
      if (typeof value === 'string') args[arg.name.value] = value
    }
  }
  return {
    operation: fields,
    providerId: args.providerId,
    connectionId: args.connectionId ?? args.id,
  }
}

interface GraphqlOptions {
  origins: Origins
  verify: AccessTokenVerifier
  connections: ConnectionStore
  flows: FlowAuthority
  faults: FaultStore
}

/**
 * `POST /v1/graphql`, the b.well-style API on graphql-yoga. Every operation needs
 * `Authorization: Bearer <Medblocks access token>`; errors carry `extensions.code`
 * (`UNAUTHENTICATED`, `NOT_FOUND`, `BAD_USER_INPUT`). CORS allows only the app origin.
 */
export function createGraphql(options: GraphqlOptions) {
  const { origins, connections, flows } = options
  const callbackUrl = `${origins.bwell}/oauth/callback`
  const toGraphql = (c: Connection) => ({
    id: c.id,
    providerId: c.providerId,
    status: c.status,
  })
  const withLogo = (p: { id: string; name: string; category: string }) => ({
    ...p,
    logoUrl: `${origins.bwell}/logos/${encodeURIComponent(p.id)}.svg`,
  })

  const schema = createSchema<RequestContext>({
    typeDefs,
    resolvers: {
      Query: {
        searchProviders: (_: unknown, args: { query: string }, context) => {
          requireUser(context)
          return searchDataProviders(args.query).map(withLogo)
        },
        connection: (_: unknown, args: { id: string }, context) => {
          const connection = connections.get(args.id, requireUser(context))
          return connection ? toGraphql(connection) : null
        },
        getOauthUrl: async (
          _: unknown,
          args: { connectionId: string; redirectUri?: string | null },
          context,
        ) => {
          const username = requireUser(context)
          const connection = connections.get(args.connectionId, username)
          if (!connection || connection.status === 'DELETED') throw notFound('connection')
          const redirectUri = args.redirectUri ?? undefined
          if (redirectUri !== undefined && !isRegisteredRedirect(redirectUri, origins.app)) {
            throw badInput('redirectUri must be a URL on the registered app origin')
          }
          const expired = options.faults.take('expiredFlow', {
            connectionId: connection.id,
            providerId: connection.providerId,
            username,
          })
          const { state, flowToken } = await flows.start(
            {
              connectionId: connection.id,
              providerId: connection.providerId,
              username,
              redirectUri,
            },
            { expired: expired !== undefined },
          )
          const url = new URL('/oauth/authorize', origins.portal)
          url.searchParams.set('client_id', 'bwell')
          url.searchParams.set('provider_id', connection.providerId)
          url.searchParams.set('redirect_uri', callbackUrl)
          url.searchParams.set('state', state)
          url.searchParams.set('flow', flowToken)
          return { redirectUrl: url.href }
        },
      },
      Mutation: {
        createConnection: (_: unknown, args: { providerId: string }, context) => {
          const username = requireUser(context)
          if (!findDataProvider(args.providerId)) throw notFound('provider')
          return toGraphql(connections.create(username, args.providerId))
        },
        disconnectConnection: (_: unknown, args: { id: string }, context) => {
          const username = requireUser(context)
          if (!connections.get(args.id, username)) throw notFound('connection')
          const updated = connections.update(args.id, 'disconnected')
          if (!updated) throw notFound('connection')
          return toGraphql(updated)
        },
      },
      Connection: {
        provider: (parent: { providerId: string }) => {
          const provider = findDataProvider(parent.providerId)
          return provider ? withLogo(provider) : null
        },
      },
    },
  })

  const yoga = createYoga<RequestContext>({
    schema,
    graphqlEndpoint: '/v1/graphql',
    cors: false,
    graphiql: false,
    landingPage: false,
    maskedErrors: { isDev: false },
    logging: false,
  })

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (applyCors(req, res, origins.app, 'POST, OPTIONS')) return
    if (req.method !== 'POST') {
      sendJson(
        res,
        405,
        { errors: [{ message: 'use POST', extensions: { code: 'BAD_REQUEST' } }] },
        { allow: 'POST, OPTIONS' },
      )
      return
    }
    let raw: string
    try {
      raw = await readBody(req)
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error
      sendJson(res, 413, {
        errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }],
      })
      return
    }
    let username: string | undefined
    const token = bearerToken(req)
    if (token) {
      try {
        username = (await options.verify(token)).sub
      } catch {
        username = undefined
      }
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      parsed = undefined
    }
    const context: FaultContext = { target: 'graphql', username, ...describeOperation(parsed) }
    // getOauthUrl and connection(id) name only the connection; its provider is matchable too.
    if (context.connectionId && !context.providerId) {
      context.providerId = connections.get(context.connectionId)?.providerId
    }
    if (await applyHttpFaults(options.faults, context, res)) return
    const headers = new Headers()
    for (const name of ['content-type', 'accept']) {
      const value = req.headers[name]
      if (typeof value === 'string') headers.set(name, value)
    }
    const response = await yoga.fetch(
      `${origins.bwell}/v1/graphql`,
      { method: 'POST', headers, body: raw },
      { username },
    )
    const out: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      out[name] = value
    })
    res.writeHead(response.status, out)
    res.end(await response.text())
  }
}
