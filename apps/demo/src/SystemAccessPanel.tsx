import { useQuery } from '@tanstack/react-query'
import { useId } from 'react'
import { systemAccessUrl } from './config.ts'

/** One integration as the status route reports it. */
interface IntegrationStatus {
  readonly name: string
  readonly ok: boolean
  readonly detail: string
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Reads the route's answer defensively: an unknown shape shows as unknown, never as a crash. */
function toStatuses(body: unknown): readonly IntegrationStatus[] | undefined {
  const list: unknown = isRecord(body) ? body.systems : undefined
  if (!Array.isArray(list)) return undefined
  return list.filter(isRecord).map((item) => {
    const name = item.name ?? item.id
    const ok = item.ok === true
    const parts = [
      typeof item.auth === 'string' ? item.auth : undefined,
      typeof item.scope === 'string' ? `scope ${item.scope}` : undefined,
      typeof item.expiresIn === 'number' ? `token expires in ${item.expiresIn} s` : undefined,
      isRecord(item.error) && typeof item.error.code === 'string'
        ? `error ${item.error.code}`
        : undefined,
    ].filter(Boolean)
    return {
      name: typeof name === 'string' ? name : 'unknown',
      ok,
      detail: parts.join(', ') || (ok ? 'ok' : 'unavailable'),
    }
  })
}

class NotAvailable extends Error {
  override readonly name = 'NotAvailable'
}

async function fetchStatus(signal: AbortSignal): Promise<readonly IntegrationStatus[]> {
  let response: Response
  try {
    response = await fetch(systemAccessUrl, { signal, headers: { accept: 'application/json' } })
  } catch (cause) {
    throw new NotAvailable('the mock backend did not answer', { cause })
  }
  if (response.status === 404) throw new NotAvailable('the mock backend has no status route')
  if (!response.ok) throw new Error(`the status route answered HTTP ${response.status}`)
  const statuses = toStatuses(await response.json().catch(() => undefined))
  if (!statuses) throw new Error('the status route answered an unknown shape')
  return statuses
}

/** The status of the server-side client-credentials integrations. */
export function SystemAccessPanel() {
  const id = useId()
  const query = useQuery({
    queryKey: ['system-access'],
    queryFn: ({ signal }) => fetchStatus(signal),
  })
  return (
    <section aria-labelledby={`${id}-heading`} className="panel">
      <h2 id={`${id}-heading`}>System access</h2>
      <p className="explain">
        The backend's own client-credentials tokens for b.well, Medblocks and OpesCare, fetched
        server-side: this page sees their status, never a secret or a token.
      </p>
      <div role="status">
        {query.isPending && <p>Checking the integrations…</p>}
        {query.isError && <p>System access status is not available: {query.error.message}.</p>}
      </div>
      {query.data && (
        <ul aria-label="Integrations" className="integrations">
          {query.data.map((s) => (
            <li key={s.name} data-ok={s.ok}>
              <strong>{s.name}</strong>: {s.ok ? 'connected' : 'failing'} ({s.detail})
            </li>
          ))}
        </ul>
      )}
      <button type="button" onClick={() => void query.refetch()} disabled={query.isFetching}>
        Check again
      </button>
    </section>
  )
}
