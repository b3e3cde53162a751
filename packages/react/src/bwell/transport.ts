import { ClientError, GraphQLClient } from 'graphql-request'
import { type BwellOperation, bwellDocuments } from './documents.ts'
import { BwellError } from './errors.ts'
import { type Fields, isObject, toIssues } from './parse.ts'

/** Sends one b.well operation and returns its `data`, or rejects with a {@link BwellError}. */
export type Send = (
  operation: BwellOperation,
  variables: Fields,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal | undefined,
) => Promise<Fields>

/** What stopped a request before it had an answer. */
type Stop = 'timeout' | 'aborted'

function fromClientError(error: ClientError, operation: string): BwellError {
  const { errors, status, data } = error.response
  const list: unknown[] = Array.isArray(errors) ? errors : []
  if (list.length === 0) {
    return new BwellError('http_error', `http ${status} from "${operation}"`, {
      cause: error,
      operation,
      status,
    })
  }
  const extensions = list.map((item) => (isObject(item) ? item.extensions : undefined))
  const code = extensions.map((e) => (isObject(e) ? e.code : undefined)).find((c) => c != null)
  const issues = extensions.flatMap((e) =>
    isObject(e) && isObject(e.resource) ? toIssues(e.resource.issue) : [],
  )
  return new BwellError('graphql_error', `graphql errors in "${operation}"`, {
    cause: error,
    operation,
    status,
    graphqlCode: typeof code === 'string' || typeof code === 'number' ? String(code) : undefined,
    issues,
    data,
  })
}

/**
 * One graphql-request client for the endpoint. Every request has a timeout and follows the
 * caller's signal; the returned promise settles when either fires, even if `fetch` ignores the
 * signal, so no single-flight promise or pending state waits forever (SEC-29).
 */
export function createTransport(
  endpoint: string,
  timeoutMs: number,
  baseFetch: typeof fetch,
): Send {
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

  return async (operation, variables, headers, signal) => {
    const controller = new AbortController()
    let stopped: Stop | undefined
    let onStop: (stop: Stop) => void = () => {}
    const stop = (reason: Stop) => {
      stopped ??= reason
      controller.abort()
      onStop(stopped)
    }
    const stopPromise = new Promise<never>((_, reject) => {
      onStop = (reason) =>
        reject(
          reason === 'timeout'
            ? new BwellError('timeout', `no answer to "${operation}" within ${timeoutMs} ms`, {
                operation,
              })
            : new BwellError('aborted', `"${operation}" was aborted`, {
                operation,
                cause: signal?.reason,
              }),
        )
    })
    const timer = setTimeout(() => stop('timeout'), timeoutMs)
    const onAbort = () => stop('aborted')
    if (signal?.aborted) onAbort()
    signal?.addEventListener('abort', onAbort)
    const request = (async (): Promise<Fields> => {
      try {
        const data: unknown = await client.request<unknown>({
          document: bwellDocuments[operation],
          variables,
          requestHeaders: { ...headers },
          signal: controller.signal,
        })
        if (!isObject(data)) throw new BwellError('invalid_response', `no "data" in "${operation}"`)
        return data
      } catch (error) {
        if (stopped) throw error // the stop promise has already rejected with the typed reason
        if (error instanceof BwellError) {
          throw error.operation
            ? error
            : new BwellError(error.code, error.message, {
                cause: error.cause,
                operation,
              })
        }
        if (error instanceof ClientError) throw fromClientError(error, operation)
        throw new BwellError('invalid_response', `unreadable response from "${operation}"`, {
          cause: error,
          operation,
        })
      }
    })()
    try {
      return await Promise.race([request, stopPromise])
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      // The losing promise settles later; nobody awaits it, so it must not report.
      request.catch(() => {})
      stopPromise.catch(() => {})
    }
  }
}
