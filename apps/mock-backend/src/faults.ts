import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { BadRequestError, isRecord, readBody, sendJson } from './http.ts'

/** Routes a `latency`, `status` or `malformedJson` fault can hit. */
export const faultTargets = [
  'graphql',
  'callback',
  'complete',
  'portal',
  'bwellToken',
  'bwellFhir',
  'medblocksToken',
  'fhirPatient',
  'opescareToken',
  'opescareMetadata',
  'heartbeat',
] as const
/** One of {@link faultTargets}. */
export type FaultTarget = (typeof faultTargets)[number]

/** What a fault does; see the README's fault table. */
export const faultKinds = [
  'latency',
  'status',
  'malformedJson',
  'coop',
  'shortTokenLifetime',
  'expiredFlow',
  'getTokenRefused',
  'refreshRefused',
  'bwellTokenExpired',
  'smartNarrowScope',
  'smartNoPatient',
] as const
/** One of {@link faultKinds}. */
export type FaultKind = (typeof faultKinds)[number]

const matchKeys = ['operation', 'providerId', 'connectionId', 'username', 'clientId'] as const
type MatchKey = (typeof matchKeys)[number]

/** What a request is known to be about; faults whose `match` names other values skip it. */
export interface FaultContext {
  target?: FaultTarget
  /** GraphQL root fields of the operation. */
  operation?: readonly string[]
  providerId?: string | undefined
  connectionId?: string | undefined
  username?: string | undefined
  clientId?: string | undefined
}

/** One armed fault, as stored. */
export interface Fault {
  id: string
  kind: FaultKind
  target?: FaultTarget
  match: Partial<Record<MatchKey, string>>
  /** How many more matching requests it hits. */
  remaining: number
  ms?: number
  status?: number
  seconds?: number
}

const httpKinds: ReadonlySet<FaultKind> = new Set(['latency', 'status', 'malformedJson'])

function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value)
}

function integer(body: Record<string, unknown>, key: string, min: number, max: number) {
  const value = body[key]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BadRequestError(`"${key}" must be an integer from ${min} to ${max}`)
  }
  return value
}

/**
 * Parses a `POST /__test__/faults` body into a fault.
 * @throws {BadRequestError} naming the offending field
 */
export function parseFault(body: Record<string, unknown>): Fault {
  const { kind, target, match = {} } = body
  if (!isOneOf(faultKinds, kind)) {
    throw new BadRequestError(`"kind" must be one of ${faultKinds.join(', ')}`)
  }
  const fault: Fault = { id: randomUUID(), kind, match: {}, remaining: 1 }
  if (httpKinds.has(kind)) {
    if (!isOneOf(faultTargets, target)) {
      throw new BadRequestError(`"target" must be one of ${faultTargets.join(', ')}`)
    }
    fault.target = target
  } else if (target !== undefined) {
    throw new BadRequestError(`"target" is not used by the ${kind} fault`)
  }
  if (!isRecord(match)) throw new BadRequestError('"match" must be an object')
  for (const [key, value] of Object.entries(match)) {
    if (!isOneOf(matchKeys, key)) {
      throw new BadRequestError(`"match.${key}" is unknown; use ${matchKeys.join(', ')}`)
    }
    if (typeof value !== 'string' || value === '') {
      throw new BadRequestError(`"match.${key}" must be a non-empty string`)
    }
    fault.match[key] = value
  }
  fault.remaining = integer(body, 'times', 1, 1000) ?? 1
  if (kind === 'latency') fault.ms = integer(body, 'ms', 1, 30_000) ?? 1000
  if (kind === 'status') fault.status = integer(body, 'status', 400, 599) ?? 503
  if (kind === 'shortTokenLifetime') fault.seconds = integer(body, 'seconds', 1, 3599) ?? 5
  return fault
}

function matches(fault: Fault, kind: FaultKind, context: FaultContext): boolean {
  if (fault.kind !== kind) return false
  if (fault.target !== undefined && fault.target !== context.target) return false
  for (const key of matchKeys) {
    const expected = fault.match[key]
    if (expected === undefined) continue
    if (key === 'operation') {
      if (!context.operation?.includes(expected)) return false
    } else if (context[key] !== expected) {
      return false
    }
  }
  return true
}

/**
 * The armed faults of one backend. Empty and inert unless the backend runs in test mode,
 * because only the test-mode control route can add to it.
 */
export class FaultStore {
  readonly #faults: Fault[] = []
  /** How a `latency` fault waits. */
  readonly delay: (ms: number) => Promise<void>

  /** @param delay how a `latency` fault waits; default a real timer */
  constructor(delay: (ms: number) => Promise<void> = (ms) => sleep(ms)) {
    this.delay = delay
  }

  /** Arms a fault. */
  add(fault: Fault): void {
    this.#faults.push(fault)
  }

  /** Disarms one fault by id, or all of them. */
  clear(id?: string): number {
    if (id === undefined) return this.#faults.splice(0).length
    const index = this.#faults.findIndex((f) => f.id === id)
    if (index < 0) return 0
    this.#faults.splice(index, 1)
    return 1
  }

  /** The armed faults, for the control route's listing. */
  list(): readonly Fault[] {
    return this.#faults
  }

  /**
   * Consumes one use of the first fault of `kind` matching `context`.
   * @returns the fault, or `undefined` when none matches
   */
  take(kind: FaultKind, context: FaultContext): Fault | undefined {
    const index = this.#faults.findIndex((f) => matches(f, kind, context))
    const fault = this.#faults[index]
    if (!fault) return undefined
    fault.remaining -= 1
    if (fault.remaining <= 0) this.#faults.splice(index, 1)
    return fault
  }
}

function statusBody(target: FaultTarget | undefined, status: number): unknown {
  if (target === 'graphql') {
    const code = status === 504 ? '504' : status >= 500 ? '500' : String(status)
    const issueCode = status === 504 ? 'timeout' : status >= 500 ? 'exception' : 'value'
    const text = 'injected fault'
    return {
      data: null,
      errors: [
        {
          message: text,
          extensions: {
            code,
            resource: {
              resourceType: 'OperationOutcome',
              issue: [{ severity: 'error', code: issueCode, details: { text } }],
            },
          },
        },
      ],
    }
  }
  if (target === 'fhirPatient' || target === 'bwellFhir' || target === 'opescareMetadata') {
    return {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: status === 401 ? 'login' : 'exception' }],
    }
  }
  return {
    error: status === 401 ? 'invalid_token' : 'server_error',
    error_description: 'injected fault',
  }
}

/**
 * Applies the request-level faults for `context`: latency first, then a status or a malformed
 * body.
 * @returns `true` when a fault has answered the request
 */
export async function applyHttpFaults(
  store: FaultStore,
  context: FaultContext,
  res: ServerResponse,
  headers: Record<string, string> = {},
): Promise<boolean> {
  const latency = store.take('latency', context)
  if (latency?.ms) await store.delay(latency.ms)
  const status = store.take('status', context)
  if (status?.status) {
    const challenge: Record<string, string> =
      status.status === 401 ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {}
    sendJson(res, status.status, statusBody(context.target, status.status), {
      ...headers,
      ...challenge,
    })
    return true
  }
  if (store.take('malformedJson', context)) {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers })
    res.end('{"')
    return true
  }
  return false
}

/**
 * The test-mode control route: `POST` arms a fault and answers `{ id }`, `GET` lists them,
 * `DELETE` (optionally `?id=`) disarms.
 */
export async function handleFaultControl(
  req: IncomingMessage,
  res: ServerResponse,
  store: FaultStore,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (req.method === 'GET') {
    sendJson(res, 200, { faults: store.list() })
    return
  }
  if (req.method === 'DELETE') {
    sendJson(res, 200, { cleared: store.clear(url.searchParams.get('id') ?? undefined) })
    return
  }
  if (req.method !== 'POST') {
    sendJson(res, 405, { error: 'invalid_request', error_description: 'method not allowed' })
    return
  }
  try {
    const raw = await readBody(req)
    let body: unknown
    try {
      body = JSON.parse(raw)
    } catch (cause) {
      throw new BadRequestError('body must be valid JSON', { cause })
    }
    if (!isRecord(body)) throw new BadRequestError('body must be a JSON object')
    const fault = parseFault(body)
    store.add(fault)
    sendJson(res, 201, { id: fault.id })
  } catch (error) {
    if (!(error instanceof BadRequestError)) throw error
    sendJson(res, 400, { error: 'invalid_request', error_description: error.message })
  }
}
