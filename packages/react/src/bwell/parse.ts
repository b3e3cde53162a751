// Runtime checks of b.well's answers, with b.well's nullability: a nullable field may be null (or
// absent), a non-null one must be there with its type, and an enum value is kept as sent.
import { BwellError } from './errors.ts'
import type {
  Connection,
  ConnectionStatusUpdate,
  DataSource,
  HealthResource,
  OperationOutcomeIssue,
  PagingInfo,
  ProviderLocation,
  SdkConfiguration,
  SearchHealthResourcesResults,
  SyncError,
} from './types.ts'

export type Fields = Readonly<Record<string, unknown>>

export const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export function invalid(path: string, cause?: unknown): BwellError {
  return new BwellError('invalid_response', `invalid "${path}" in the b.well response`, {
    operation: path.split('.')[0],
    cause,
  })
}

export function object(value: unknown, path: string): Fields {
  if (!isObject(value)) throw invalid(path)
  return value
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(path)
  return value
}

const nullable =
  <T>(check: (value: unknown, path: string) => T) =>
  (value: unknown, path: string): T | null =>
    value === null || value === undefined ? null : check(value, path)

function number(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(path)
  return value
}

function integer(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value)) throw invalid(path)
  return value as number
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalid(path)
  return value
}

export const optString = nullable(string)
const optNumber = nullable(number)
const optInteger = nullable(integer)
const optBoolean = nullable(boolean)

/** A nullable list whose items are checked (and may be null themselves when `each` allows it). */
function list<T>(
  value: unknown,
  path: string,
  each: (item: unknown, path: string) => T,
): readonly T[] | null {
  if (value === null || value === undefined) return null
  if (!Array.isArray(value)) throw invalid(path)
  return value.map((item, index) => each(item, `${path}.${index}`))
}

function nonNullList<T>(
  value: unknown,
  path: string,
  each: (item: unknown, path: string) => T,
): readonly T[] {
  const items = list(value, path, each)
  if (items === null) throw invalid(path)
  return items
}

/** An object that may be null, checked by `read`. */
const optObject =
  <T>(read: (fields: Fields, path: string) => T) =>
  (value: unknown, path: string): T | null =>
    value === null || value === undefined ? null : read(object(value, path), path)

/** An object that may be null, with its fields unchecked. */
const anyObject = optObject((f) => f)

const coding = optObject((f, p) => ({
  code: optString(f.code, `${p}.code`),
  display: optString(f.display, `${p}.display`),
  system: optString(f.system, `${p}.system`),
}))

const location = optObject(
  (f, p): ProviderLocation => ({
    name: optString(f.name, `${p}.name`),
    distanceInMiles: optNumber(f.distanceInMiles, `${p}.distanceInMiles`),
    address: optObject((a, ap) => ({
      line: list(a.line, `${ap}.line`, optString),
      city: optString(a.city, `${ap}.city`),
      state: optString(a.state, `${ap}.state`),
      postalCode: optString(a.postalCode, `${ap}.postalCode`),
      country: optString(a.country, `${ap}.country`),
    }))(f.address, `${p}.address`),
  }),
)

const named = optObject((f, p) => ({ name: optString(f.name, `${p}.name`) }))

const healthResource = optObject((f, p): HealthResource => {
  const endpoint = list(f.endpoint, `${p}.endpoint`, named)
  const first = endpoint?.[0]?.name
  return {
    id: optString(f.id, `${p}.id`),
    type: optString(f.type, `${p}.type`),
    content: optString(f.content, `${p}.content`),
    endpoint,
    location: list(f.location, `${p}.location`, location),
    organization: list(f.organization, `${p}.organization`, named),
    specialty: list(f.specialty, `${p}.specialty`, coding),
    npi: list(f.npi, `${p}.npi`, optString),
    connectionId: first ? first : null,
  }
})

const pagingInfo = optObject(
  (f, p): PagingInfo => ({
    pageNumber: integer(f.pageNumber, `${p}.pageNumber`),
    pageSize: integer(f.pageSize, `${p}.pageSize`),
    totalItems: integer(f.totalItems, `${p}.totalItems`),
    totalPages: integer(f.totalPages, `${p}.totalPages`),
  }),
)

export function toSearchResults(value: unknown, path: string): SearchHealthResourcesResults {
  const f = object(value, path)
  return {
    results: list(f.results, `${path}.results`, healthResource),
    pagingInfo: pagingInfo(f.pagingInfo, `${path}.pagingInfo`),
    filterValues: list(
      f.filterValues,
      `${path}.filterValues`,
      optObject((v, p) => ({
        field: optString(v.field, `${p}.field`),
        values: list(
          v.values,
          `${p}.values`,
          optObject((x, xp) => ({
            value: optString(x.value, `${xp}.value`),
            count: optInteger(x.count, `${xp}.count`),
          })),
        ),
      })),
    ),
  }
}

export function toDataSource(value: unknown, path: string): DataSource {
  const f = object(value, path)
  return {
    id: string(f.id, `${path}.id`),
    name: string(f.name, `${path}.name`),
    category: string(f.category, `${path}.category`),
    type: string(f.type, `${path}.type`),
    integrationType: optString(f.integrationType, `${path}.integrationType`),
  }
}

function toSyncError(value: unknown, path: string): SyncError {
  const f = object(value, path)
  return {
    id: optString(f.id, `${path}.id`),
    text: optString(f.text, `${path}.text`),
    coding: list(f.coding, `${path}.coding`, coding),
  }
}

export function toConnection(value: unknown, path: string): Connection {
  const f = object(value, path)
  return {
    id: string(f.id, `${path}.id`),
    name: string(f.name, `${path}.name`),
    category: string(f.category, `${path}.category`),
    type: string(f.type, `${path}.type`),
    status: optString(f.status, `${path}.status`),
    syncStatus: optString(f.syncStatus, `${path}.syncStatus`),
    statusUpdated: optString(f.statusUpdated, `${path}.statusUpdated`),
    lastSynced: optString(f.lastSynced, `${path}.lastSynced`),
    created: string(f.created, `${path}.created`),
    integrationType: optString(f.integrationType, `${path}.integrationType`),
    syncErrors: list(f.syncErrors, `${path}.syncErrors`, toSyncError),
  }
}

export function toConnections(value: unknown, path: string): readonly Connection[] {
  return nonNullList(value, path, toConnection)
}

/** `id` → `field` of the first item with each id, in a nullable list of nullable objects. */
function firstById(value: unknown, path: string, field: string): Map<string, string | null> {
  const byId = new Map<string, string | null>()
  for (const item of list(value, path, anyObject) ?? []) {
    const id = item && optString(item.id, `${path}.id`)
    if (id && !byId.has(id)) byId.set(id, optString(item[field], `${path}.${field}`))
  }
  return byId
}

/**
 * Reads b.well's FHIR Subscription listing the way b.well's own SDK does: the first
 * `subscriptionStatus` of each entry, its `extension[]` by `id`. An entry without an id, name,
 * category, type or created date is left out, as b.well's SDK leaves it out.
 */
export function toSubscriptionConnections(value: unknown, path: string): readonly Connection[] {
  if (value === null || value === undefined) return []
  const entries = list(object(value, path).entry, `${path}.entry`, anyObject) ?? []
  const connections: Connection[] = []
  entries.forEach((entry, index) => {
    const p = `${path}.entry.${index}.resource`
    const resource = entry === null ? null : anyObject(entry.resource, p)
    if (resource === null) return
    const statuses = list(resource.subscriptionStatus, `${p}.subscriptionStatus`, anyObject)
    const status = statuses?.[0]
    if (!status) return
    const sp = `${p}.subscriptionStatus.0`
    const extensions = firstById(status.extension, `${sp}.extension`, 'valueString')
    const events = firstById(status.notificationEvent, `${sp}.notificationEvent`, 'timestamp')
    const id = extensions.get('service_slug')
    const name = extensions.get('connection_name')
    const connectionType = extensions.get('connection_type')
    const type = extensions.get('category')
    const created = events.get('created-date')
    if (!id || !name || !connectionType || !type || !created) return
    const meta = (fields: Fields, mp: string) =>
      optString(anyObject(fields.meta, `${mp}.meta`)?.lastUpdated, `${mp}.meta.lastUpdated`)
    connections.push({
      id,
      name,
      category: connectionType === 'hapi' ? 'BASIC' : 'OAUTH',
      type,
      status: extensions.get('token-status') ?? null,
      syncStatus: extensions.get('data-connection-status') ?? null,
      statusUpdated: meta(status, sp) ?? meta(resource, p),
      lastSynced: events.get('data-last-updated') ?? events.get('data-retrieval-end') ?? null,
      created,
      integrationType: null,
      syncErrors: list(status.error, `${sp}.error`, toSyncError),
    })
  })
  return connections
}

export function toStatusUpdate(value: unknown, path: string): ConnectionStatusUpdate {
  const f = object(value, path)
  return {
    status: optString(f.status, `${path}.status`),
    statusUpdated: string(f.statusUpdated, `${path}.statusUpdated`),
  }
}

/** Reads `OperationOutcome.issue[]` leniently: it describes an error, and must never hide it. */
export function toIssues(value: unknown): readonly OperationOutcomeIssue[] {
  if (!Array.isArray(value)) return []
  return value.filter(isObject).map((issue) => {
    const text = isObject(issue.details) ? issue.details.text : undefined
    return {
      code: typeof issue.code === 'string' ? issue.code : null,
      severity: typeof issue.severity === 'string' ? issue.severity : null,
      details: typeof text === 'string' ? text : null,
    }
  })
}

export function toSdkConfiguration(value: unknown, path: string): SdkConfiguration {
  const f = object(value, path)
  const graphql = object(f.graphQLClient, `${path}.graphQLClient`)
  const http = object(f.httpClient, `${path}.httpClient`)
  const telemetry = object(f.telemetry, `${path}.telemetry`)
  return {
    apiUrl: string(graphql.apiUrl, `${path}.graphQLClient.apiUrl`),
    authUrl: string(graphql.authUrl, `${path}.graphQLClient.authUrl`),
    requestTimeout: optNumber(http.requestTimeout, `${path}.httpClient.requestTimeout`),
    logLevel: optString(f.logLevel, `${path}.logLevel`),
    telemetry: {
      enabled: optBoolean(telemetry.enabled, `${path}.telemetry.enabled`),
      collectorUrl: string(telemetry.collectorUrl, `${path}.telemetry.collectorUrl`),
    },
  }
}
