// A b.well stand-in for unit tests on 127.0.0.1: each test scripts the answers by operation, and
// every request is checked against b.well's schema (document and variables) before it is answered.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bwellContractSdl } from '@oauth-connect/mock-backend/testing'
import {
  buildSchema,
  getVariableValues,
  type OperationDefinitionNode,
  parse,
  validate,
} from 'graphql'

/** b.well's connect-flow subset, as the mock backend records it from b.well's published SDK. */
export const bwellSchema = buildSchema(bwellContractSdl)

/** The GraphQL problems of a document and its variables against {@link bwellSchema}. */
export function schemaProblems(query: string, variables: Record<string, unknown> = {}): string[] {
  const document = parse(query)
  const problems = validate(bwellSchema, document).map((e) => e.message)
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
  )
  if (operation) {
    const coerced = getVariableValues(bwellSchema, operation.variableDefinitions ?? [], variables)
    problems.push(...(coerced.errors ?? []).map((e) => e.message))
  }
  return problems
}

/** One request as the stub saw it. */
export interface SeenRequest {
  readonly operation: string
  readonly headers: IncomingHttpHeaders
  readonly query: string
  readonly variables: Record<string, unknown>
}

/** An answer: a body (JSON unless `raw`), a status, a content type; `hang` never answers. */
export type Answer =
  | { readonly status?: number; readonly type?: string; readonly json: unknown }
  | { readonly status?: number; readonly type?: string; readonly raw: string }
  | { readonly hang: true }

type Handler = (request: SeenRequest) => Answer

/** The root field of a document, e.g. `getToken`. */
function rootField(query: string): string {
  const operation = parse(query).definitions[0]
  const selection =
    operation?.kind === 'OperationDefinition' ? operation.selectionSet.selections[0] : undefined
  return selection?.kind === 'Field' ? selection.name.value : ''
}

/** A JWT-shaped token whose payload holds `exp` (seconds); the signature is not checked. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none' })}.${part(claims)}.sig`
}

/** b.well's error shape: `extensions.code` plus a FHIR OperationOutcome. */
export function bwellError(code: string, issueCode: string, text = 'refused'): unknown {
  return {
    message: text,
    extensions: {
      code,
      resource: {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: issueCode, details: { text } }],
      },
    },
  }
}

export async function startStub() {
  const handlers = new Map<string, Handler>()
  const seen: SeenRequest[] = []
  const problems: string[] = []
  const hanging = new Set<() => void>()
  const server = createServer((request, response) => {
    let raw = ''
    request.on('data', (chunk: Buffer) => {
      raw += chunk.toString()
    })
    request.on('end', () => {
      const body = JSON.parse(raw) as { query: string; variables?: Record<string, unknown> }
      const seenRequest: SeenRequest = {
        operation: rootField(body.query),
        headers: request.headers,
        query: body.query,
        variables: body.variables ?? {},
      }
      seen.push(seenRequest)
      problems.push(...schemaProblems(body.query, body.variables))
      const handler = handlers.get(seenRequest.operation)
      const answer: Answer = handler
        ? handler(seenRequest)
        : { status: 500, json: { errors: [{ message: `unscripted ${seenRequest.operation}` }] } }
      if ('hang' in answer) {
        hanging.add(() => response.destroy())
        return
      }
      response.writeHead(answer.status ?? 200, {
        'content-type': answer.type ?? 'application/graphql-response+json; charset=utf-8',
      })
      response.end('raw' in answer ? answer.raw : JSON.stringify(answer.json))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}/v1/graphql`,
    seen,
    /** Schema problems of every request so far; a test expects none. */
    problems,
    /** Answers `operation` with `handler` from now on. */
    on(operation: string, handler: Handler) {
      handlers.set(operation, handler)
    },
    /** The requests of one operation. */
    requests: (operation: string) => seen.filter((r) => r.operation === operation),
    reset() {
      handlers.clear()
      seen.length = 0
      problems.length = 0
    },
    async close() {
      for (const end of hanging) end()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

export type Stub = Awaited<ReturnType<typeof startStub>>
