import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Kind, type OperationDefinitionNode, parse } from 'graphql'
import { createSchema, createYoga } from 'graphql-yoga'
import type { Origins } from '../config.ts'
import { applyHttpFaults, type FaultContext, type FaultStore } from '../faults.ts'
import { BadRequestError, isRecord, readBody, safeEqual, sendJson } from '../http.ts'
import { authenticate } from '../medblocks/users.ts'
import type { ClientRegistry } from './clientKeys.ts'
import { decodeClientKey } from './clientKeys.ts'
import type { ConnectionStore, ConnectionView } from './connections.ts'
import { connectionTypeOf, findSource, seededBasicCredentials } from './dataSources.ts'
import { bwellError, bwellExtensions, isBwellErrorCode } from './errors.ts'
import type { FlowAuthority } from './flow.ts'
import { type SearchInput, searchHealthResources } from './search.ts'
import type { IssuedTokens, Session, SessionAuthority } from './session.ts'

/** The served schema: the shared contract's subset, copied beside this file. */
export const typeDefs = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), 'schema.graphql'),
  'utf8',
)

/** `_source` value under which b.well lists PROA connections as FHIR Subscriptions. */
export const proaSource = 'https://icanbwell.com/proa'
const extensionBase = 'https://icanbwell.com/proa/extension/'

/** What every resolver knows about the request. */
interface RequestContext {
  authorization: string | undefined
  clientKey: string | undefined
  refreshToken: string | undefined
  session: Session | undefined
  /** Why the bearer was refused, when there is one. */
  refused: string | undefined
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

function requireSession(context: RequestContext): Session {
  if (!context.session) {
    throw bwellError(
      '401',
      context.refused ?? 'authorization must be "Bearer <b.well access token>"',
    )
  }
  return context.session
}

const iso = (ms: number) => new Date(ms).toISOString()

function toConnection(view: ConnectionView) {
  return {
    ...view,
    created: iso(view.created),
    statusUpdated: iso(view.statusUpdated),
    lastSynced: view.lastSynced === undefined ? null : iso(view.lastSynced),
  }
}

function extension(id: string, value: string) {
  return { id, url: `${extensionBase}${id}`, valueString: value }
}

/** A member connection as the FHIR Subscription b.well's SDK reads (CONTRACT §4). */
function toSubscription(view: ConnectionView) {
  const events = [{ id: 'created-date', timestamp: iso(view.created) }]
  if (view.lastSynced !== undefined) {
    events.push({ id: 'data-retrieval-end', timestamp: iso(view.lastSynced) })
    events.push({ id: 'data-last-updated', timestamp: iso(view.lastSynced) })
  }
  const meta = { lastUpdated: iso(view.statusUpdated), source: proaSource }
  return {
    resource: {
      id: `proa-${view.id}`,
      meta,
      subscriptionStatus: [
        {
          meta,
          extension: [
            extension('service_slug', view.id),
            extension('token-status', view.status),
            extension('connection_name', view.name),
            extension('connection_type', view.category === 'BASIC' ? 'hapi' : 'proa'),
            extension('category', view.type),
            extension('data-connection-status', view.syncStatus),
          ],
          notificationEvent: events,
          error: view.syncErrors.map((e) => ({
            id: e.id,
            text: e.text,
            coding: e.coding.map((c) => ({ ...c, id: null })),
          })),
        },
      ],
    },
  }
}

function authTokens(tokens: IssuedTokens) {
  return {
    accessToken: { jwtToken: tokens.accessToken },
    idToken: { jwtToken: tokens.idToken },
    refreshToken: { token: tokens.refreshToken },
  }
}

function listFilter(values: readonly string[] | null | undefined): Set<string> | undefined {
  return values && values.length > 0 ? new Set(values) : undefined
}

/** The root fields and string arguments of a request, for matching test faults. */
export function describeOperation(body: unknown): Pick<FaultContext, 'operation' | 'connectionId'> {
  if (!isRecord(body) || typeof body.query !== 'string') return {}
  const variables = isRecord(body.variables) ? body.variables : {}
  let operation: OperationDefinitionNode | undefined
  try {
    operation = parse(body.query).definitions.find(
      (d): d is OperationDefinitionNode =>
        d.kind === Kind.OPERATION_DEFINITION &&
        (typeof body.operationName !== 'string' || d.name?.value === body.operationName),
    )
  } catch {
    return {}
  }
  if (!operation) return {}
  const fields: string[] = []
  let connectionId: string | undefined
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue
    fields.push(selection.name.value)
    for (const arg of selection.arguments ?? []) {
      if (arg.name.value !== 'connectionId') continue
      const value =
        arg.value.kind === Kind.VARIABLE
          ? variables[arg.value.name.value]
          : arg.value.kind === Kind.STRING
            ? arg.value.value
            : undefined
      if (typeof value === 'string') connectionId = value
    }
  }
  return { operation: fields, connectionId }
}

/** Codes graphql-yoga gives errors it raises itself (parse, validation, bad variables, HTTP). */
const yogaInputCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
])

/**
 * Reshapes every error of a GraphQL response into b.well's: `extensions` holds only `code` and
 * `resource`. Parse, validation and variable errors are `400` (their message kept); anything
 * else without b.well's shape (yoga's masked errors, a resolver bug) is a masked `500`.
 */
export function toBwellErrors(body: unknown): unknown {
  if (!isRecord(body) || !Array.isArray(body.errors)) return body
  const errors = body.errors.map((error: unknown) => {
    const raw = isRecord(error) ? error : {}
    const ext = isRecord(raw.extensions) ? raw.extensions : {}
    const message = typeof raw.message === 'string' ? raw.message : 'error'
    const located = {
      ...(Array.isArray(raw.locations) ? { locations: raw.locations } : {}),
      ...(Array.isArray(raw.path) ? { path: raw.path } : {}),
    }
    if (isBwellErrorCode(ext.code) && isRecord(ext.resource)) {
      return { message, ...located, extensions: { code: ext.code, resource: ext.resource } }
    }
    // A request-level error without a code (graphql-js' variable coercion) is the caller's too.
    const requestError =
      isRecord(error) &&
      typeof raw.message === 'string' &&
      ext.code === undefined &&
      !Array.isArray(raw.path)
    if ((typeof ext.code === 'string' && yogaInputCodes.has(ext.code)) || requestError) {
      return { message, ...located, extensions: bwellExtensions('400', message) }
    }
    const text = 'an internal error occurred'
    return { message: text, ...located, extensions: bwellExtensions('500', text) }
  })
  return { ...body, errors }
}

interface GraphqlOptions {
  origins: Origins
  clients: ClientRegistry
  sessions: SessionAuthority
  connections: ConnectionStore
  flows: FlowAuthority
  faults: FaultStore
}

/**
 * `POST /v1/graphql`: b.well's API as `schema.graphql` describes it, on graphql-yoga. Errors come
 * back with HTTP 200 in b.well's shape. CORS allows the app origin with the `authorization`,
 * `clientkey`, `refresh_token` and `content-type` request headers.
 */
export function createGraphql(options: GraphqlOptions) {
  const { origins, clients, sessions, connections, flows, faults } = options
  const endpoint = `${origins.bwell}/v1/graphql`

  const schema = createSchema<RequestContext>({
    typeDefs,
    resolvers: {
      Query: {
        initSdk: (_: unknown, args: { clientKey: string; organizationId?: string | null }) => {
          const registration = clients.find(args.clientKey)
          if (!registration) {
            const decoded = decodeClientKey(args.clientKey.trim())
            if (
              !decoded ||
              typeof decoded.env !== 'string' ||
              typeof decoded.clientId !== 'string'
            ) {
              throw bwellError(
                '400',
                'clientKey is not a b.well client key (base64 JSON with env and clientId)',
              )
            }
            throw bwellError('401', 'clientKey is not registered')
          }
          const organizationId = args.organizationId ?? undefined
          if (
            organizationId !== undefined &&
            organizationId !== registration.content.organizationId
          ) {
            throw bwellError('403', 'organizationId does not belong to this client key')
          }
          return {
            graphQLClient: {
              apiUrl: endpoint,
              authUrl: endpoint,
              url: endpoint,
              cache: { maxSizeBytes: 10 * 1024 * 1024 },
              fetchPolicy: 'network-only',
            },
            httpClient: { requestTimeout: 30_000, retry: { attempts: 3, interval: 1000 } },
            logLevel: 'INFO',
            telemetry: { collectorUrl: origins.bwell, enabled: false },
          }
        },
        getToken: async (_: unknown, _args: unknown, context) => {
          const { registration, sub } = await sessions.identify(
            context.authorization,
            context.clientKey,
          )
          if (
            faults.take('getTokenRefused', {
              username: sub,
              clientId: registration.content.clientId,
            })
          ) {
            throw bwellError('401', 'the identity token was not accepted (injected fault)')
          }
          return authTokens(await sessions.issue(registration, sub))
        },
        login: async (_: unknown, args: { email: string; password: string }, context) => {
          const registration = clients.find(context.clientKey)
          if (!registration)
            throw bwellError('401', 'the clientkey header is not a registered client key')
          const username = args.email.replace(/@example\.com$/i, '')
          const user = authenticate(username, args.password)
          if (!user) throw bwellError('401', 'email or password is not correct')
          return authTokens(await sessions.issue(registration, user.username))
        },
        refresh: async (_: unknown, _args: unknown, context) => {
          const owner = sessions.refreshOwner(context.refreshToken)
          if (owner && faults.take('refreshRefused', owner)) {
            throw bwellError(
              '401',
              'the refresh_token is not valid for this client key (injected fault)',
            )
          }
          const tokens = await sessions.refresh(context.refreshToken, context.clientKey)
          return { accessToken: tokens.accessToken, idToken: tokens.idToken, refreshToken: null }
        },
        searchHealthResources: (
          _: unknown,
          args: { searchInput?: SearchInput | null },
          context,
        ) => {
          requireSession(context)
          return searchHealthResources(args.searchInput)
        },
        getDataSource: (_: unknown, args: { connectionId: string }, context) => {
          requireSession(context)
          const source = findSource(args.connectionId)
          if (!source)
            throw bwellError('404', `no data source has connectionId "${args.connectionId}"`)
          return {
            id: args.connectionId,
            name: source.name,
            category: source.category,
            type: connectionTypeOf(source.type),
            integrationType: source.integrationType,
          }
        },
        getOauthUrl: async (_: unknown, args: { connectionId: string }, context) => {
          const session = requireSession(context)
          const source = findSource(args.connectionId)
          if (!source)
            throw bwellError('404', `no data source has connectionId "${args.connectionId}"`)
          if (source.category !== 'OAUTH') {
            throw bwellError(
              '400',
              `connectionId "${args.connectionId}" takes a username and password (createConnection), not OAuth`,
            )
          }
          const registration = clients.byClientId(session.clientId)
          const redirectUri =
            registration?.returnTarget.kind === 'customRedirect'
              ? registration.returnTarget.url
              : undefined
          const expired = faults.take('expiredFlow', {
            connectionId: args.connectionId,
            providerId: args.connectionId,
            username: session.username,
            clientId: session.clientId,
          })
          const { state, flowToken } = await flows.start(
            {
              connectionId: args.connectionId,
              providerId: args.connectionId,
              username: session.userId,
              redirectUri,
            },
            { expired: expired !== undefined },
          )
          const url = new URL('/oauth/authorize', origins.portal)
          url.searchParams.set('client_id', 'bwell')
          url.searchParams.set('provider_id', args.connectionId)
          url.searchParams.set('redirect_uri', `${origins.bwell}/oauth/callback`)
          url.searchParams.set('state', state)
          url.searchParams.set('flow', flowToken)
          return { redirectUrl: url.href }
        },
        getMemberConnections: (
          _: unknown,
          args: {
            integrationType?: string[] | null
            status?: string[] | null
            syncStatus?: string[] | null
          },
          context,
        ) => {
          const session = requireSession(context)
          const integration = listFilter(args.integrationType)
          const status = listFilter(args.status)
          const sync = listFilter(args.syncStatus)
          return connections
            .list(session.userId)
            .filter(
              (c) =>
                (!integration || integration.has(c.integrationType)) &&
                (!status || status.has(c.status)) &&
                (!sync || sync.has(c.syncStatus)),
            )
            .map(toConnection)
        },
        subscriptions: (
          _: unknown,
          args: { _source?: { value?: string | null; values?: (string | null)[] | null } | null },
          context,
        ) => {
          const session = requireSession(context)
          const source = args._source ?? undefined
          const wanted = [source?.value, ...(source?.values ?? [])].filter(
            (v): v is string => typeof v === 'string',
          )
          if (wanted.length > 0 && !wanted.includes(proaSource)) return { entry: [] }
          return { entry: connections.list(session.userId).map(toSubscription) }
        },
      },
      Mutation: {
        createConnection: (
          _: unknown,
          args: { connectionId: string; username: string; password: string },
          context,
        ) => {
          const session = requireSession(context)
          const source = findSource(args.connectionId)
          if (!source)
            throw bwellError('404', `no data source has connectionId "${args.connectionId}"`)
          const expected = seededBasicCredentials[args.connectionId]
          if (source.category !== 'BASIC' || !expected) {
            throw bwellError(
              '400',
              `connectionId "${args.connectionId}" connects through OAuth (getOauthUrl), not a username and password`,
            )
          }
          const userOk = safeEqual(args.username, expected.username)
          const passwordOk = safeEqual(args.password, expected.password)
          if (!userOk || !passwordOk) {
            throw bwellError('400', `the username or password was not accepted by ${source.name}`)
          }
          return toConnection(connections.connect(session.userId, source))
        },
        disconnectConnection: (_: unknown, args: { connectionId: string }, context) => {
          const session = requireSession(context)
          const current = connections.get(session.userId, args.connectionId)
          if (!current)
            throw bwellError('404', `no connection has connectionId "${args.connectionId}"`)
          const ended =
            current.status === 'DISCONNECTED'
              ? current
              : connections.end(session.userId, args.connectionId, 'DISCONNECTED')
          return {
            status: 'DISCONNECTED',
            statusUpdated: iso(ended?.statusUpdated ?? current.statusUpdated),
          }
        },
        deleteConnection: (_: unknown, args: { connectionId: string }, context) => {
          const session = requireSession(context)
          const at = connections.delete(session.userId, args.connectionId)
          if (at === undefined)
            throw bwellError('404', `no connection has connectionId "${args.connectionId}"`)
          return { status: 'DELETED', statusUpdated: iso(at) }
        },
        exchangeAuthCode: () => {
          throw bwellError('400', 'authCode is not valid: this mock issues no authorization codes')
        },
        requestConnection: (
          _: unknown,
          args: {
            city?: string | null
            institution?: string | null
            provider?: string | null
            state?: string | null
          },
          context,
        ) => {
          requireSession(context)
          const named = [args.institution, args.provider].some(
            (v) => typeof v === 'string' && v.trim() !== '',
          )
          if (!named) throw bwellError('400', 'institution or provider is required')
          return {
            resourceType: 'OperationOutcome',
            issue: [
              {
                severity: 'information',
                code: 'informational',
                details: { text: 'connection request received', coding: null, id: null },
              },
            ],
          }
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
    maskedErrors: true,
    logging: false,
  })

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const cors: Record<string, string> = { vary: 'Origin' }
    if (req.headers.origin === origins.app) cors['access-control-allow-origin'] = origins.app
    if (req.method === 'OPTIONS') {
      if (req.headers.origin === origins.app) {
        cors['access-control-allow-methods'] = 'POST, OPTIONS'
        cors['access-control-allow-headers'] =
          'authorization, clientkey, refresh_token, content-type'
        cors['access-control-max-age'] = '600'
      }
      res.writeHead(204, cors)
      res.end()
      return
    }
    if (req.method !== 'POST') {
      const text = 'use POST'
      sendJson(
        res,
        405,
        { errors: [{ message: text, extensions: bwellExtensions('400', text) }] },
        { ...cors, allow: 'POST, OPTIONS' },
      )
      return
    }
    let raw: string
    try {
      raw = await readBody(req)
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error
      sendJson(
        res,
        413,
        { errors: [{ message: error.message, extensions: bwellExtensions('400', error.message) }] },
        cors,
      )
      return
    }
    const authorization = header(req, 'authorization')
    const context: RequestContext = {
      authorization,
      clientKey: header(req, 'clientkey'),
      refreshToken: header(req, 'refresh_token'),
      session: undefined,
      refused: undefined,
    }
    if (authorization && /^Bearer /.test(authorization)) {
      const verified = await sessions.verify(authorization)
      if ('refused' in verified) context.refused = verified.refused
      else context.session = verified
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      parsed = undefined
    }
    const described = describeOperation(parsed)
    const owner = context.session ?? sessions.refreshOwner(context.refreshToken)
    const faultContext: FaultContext = {
      target: 'graphql',
      ...described,
      providerId: described.connectionId,
      username: owner?.username,
      clientId: owner?.clientId,
    }
    if (context.session && faults.take('bwellTokenExpired', faultContext)) {
      sessions.expireEarly(context.session.tokenId)
      context.session = undefined
      context.refused = 'the access token has expired'
    }
    if (await applyHttpFaults(faults, faultContext, res, cors)) return
    const headers = new Headers({
      'content-type': header(req, 'content-type') ?? 'application/json',
    })
    headers.set('accept', 'application/json')
    const response = await yoga.fetch(endpoint, { method: 'POST', headers, body: raw }, context)
    const text = await response.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = { errors: [{ message: 'error' }] }
    }
    sendJson(res, 200, toBwellErrors(body), cors)
  }
}
