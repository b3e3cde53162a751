import { useAuth } from '@oauth-connect/react'
import {
  type Connection,
  type HealthResource,
  type SearchResultType,
  useDataSource,
  useHealthResourceSearch,
  useMemberConnections,
} from '@oauth-connect/react/bwell'
import { type ReactNode, useId, useState } from 'react'
import { ConnectionsTable } from './ConnectionsTable.tsx'
import {
  connectionMark,
  connectionsBySource,
  type ResultControl,
  resultControl,
} from './connectionMark.ts'
import { errorText } from './errorText.ts'
import { useLatestOutcome } from './latestOutcome.ts'
import { describeOutcome } from './outcomeText.ts'
import { RequestSource } from './RequestSource.tsx'
import { SourceConnect } from './SourceConnect.tsx'
import type { Settings } from './settings.ts'

/** Results per page. */
export const pageSize = 10

/** b.well's result types, as the type filter offers them. */
export const resultTypes: readonly { value: SearchResultType; label: string }[] = [
  { value: 'PRACTICE', label: 'Practice' },
  { value: 'PRACTITIONER', label: 'Practitioner' },
  { value: 'LABORATORY', label: 'Laboratory' },
  { value: 'PHARMACY', label: 'Pharmacy' },
  { value: 'INSURANCE', label: 'Insurance' },
]

/** The words for a result's type, e.g. "laboratory". */
function typeText(type: HealthResource['type']): string {
  return type === null ? 'unknown type' : type.toLowerCase()
}

/** Where a result is, from its first location's address. */
function placeText(result: HealthResource): string | undefined {
  const address = result.location?.find((l) => l?.address)?.address
  return [address?.city, address?.state].filter(Boolean).join(', ') || undefined
}

export interface SearchState {
  readonly text: string
  readonly type: SearchResultType | ''
  readonly connectableOnly: boolean
  readonly page: number
}

/**
 * One search result: its name, type and place; how it stands among the user's connections (in
 * words, and as the row's description); and Connect, Reconnect, or no second connection.
 */
function ResultRow({
  result,
  connection,
  connectionsLoading,
  settings,
}: {
  result: HealthResource
  /** The user's connection to this source, if any. */
  connection: Connection | undefined
  /** Whether the user's connections are still loading: a Connect now could be a second one. */
  connectionsLoading: boolean
  settings: Settings
}) {
  const id = useId()
  const [used, setUsed] = useState<ResultControl | null>(null)
  const name = result.content ?? 'Unnamed source'
  const place = placeText(result)
  const mark = connection && connectionMark(connection)
  const control = resultControl(mark, used)
  // A control that gave way to another (e.g. the connection was disconnected since) is no longer
  // the one the user used.
  if (used !== null && control !== null && control !== used) setUsed(null)
  const markId = `${id}-mark`
  let action: ReactNode = null
  if (!result.connectionId) {
    action = <span className="hint">Cannot be connected (no endpoint)</span>
  } else if (connectionsLoading && used === null) {
    action = <span className="hint">Checking your connections…</span>
  } else if (control !== null) {
    const chosen = control
    action = (
      <SourceConnect
        key={chosen}
        source={{ connectionId: result.connectionId, name }}
        settings={settings}
        reconnect={chosen === 'reconnect'}
        onStart={() => setUsed(chosen)}
      />
    )
  }
  return (
    <li aria-describedby={mark && markId}>
      <span>
        <strong>{name}</strong>{' '}
        <span className="category">
          {typeText(result.type)}
          {place && ` · ${place}`}
        </span>
        {mark && (
          <span id={markId} className={`connection-mark ${mark.state}`}>
            In your connections: {mark.text}
          </span>
        )}
      </span>
      {action}
    </li>
  )
}

/** The search results and pager; mounted only while someone is signed in. */
export function SearchResults({
  search,
  settings,
  onPage,
}: {
  search: SearchState
  settings: Settings
  onPage: (page: number) => void
}) {
  const query = useHealthResourceSearch({
    search: search.text,
    paging: { pageNumber: search.page, pageSize },
    filters: {
      type: search.type ? [search.type] : null,
      includePopulatedProaOnly: search.connectableOnly || null,
    },
    searchContext: search.connectableOnly ? 'DATA_CONNECTIONS' : null,
  })
  // The marks read the typed list (the table below may read the Subscriptions one); on an error
  // the table says so, and the results offer Connect as if nothing were known.
  const connections = useMemberConnections()
  const bySource = connectionsBySource(connections.data ?? [])
  if (query.isError) return <p role="alert">Search failed: {errorText(query.error)}</p>
  if (!query.data) return <p role="status">Searching…</p>
  const results = (query.data.results ?? []).filter((r): r is HealthResource => r !== null)
  const paging = query.data.pagingInfo
  const pageCount = paging?.totalPages ?? 1
  return (
    <>
      <ul
        aria-label="Providers"
        className="providers"
        aria-busy={query.isDebouncing || query.isPlaceholderData}
      >
        {results.map((result, index) => (
          <ResultRow
            key={result.id ?? `${search.page}-${index}`}
            result={result}
            connection={result.connectionId ? bySource.get(result.connectionId) : undefined}
            connectionsLoading={connections.isPending}
            settings={settings}
          />
        ))}
        {results.length === 0 && <li>No data source matches.</li>}
      </ul>
      {paging && (
        <nav aria-label="Result pages" className="pager">
          <button
            type="button"
            disabled={paging.pageNumber <= 0}
            onClick={() => onPage(paging.pageNumber - 1)}
          >
            Previous page
          </button>
          <span role="status">
            Page {paging.pageNumber + 1} of {Math.max(pageCount, 1)} ({paging.totalItems}{' '}
            {paging.totalItems === 1 ? 'source' : 'sources'})
          </span>
          <button
            type="button"
            disabled={paging.pageNumber + 1 >= pageCount}
            onClick={() => onPage(paging.pageNumber + 1)}
          >
            Next page
          </button>
        </nav>
      )}
    </>
  )
}

/** The latest attempt's outcome, in words. */
function LastAttempt() {
  const last = useLatestOutcome()
  // A redirect-mode outcome comes back with the connection id only: b.well knows the name.
  const source = useDataSource(last && !last.sourceName ? last.outcome.connectionId : undefined)
  if (!last) return null
  const name = last.sourceName ?? source.data?.name ?? last.outcome.connectionId
  return (
    <p className="last-outcome">
      Last attempt: {name}: {describeOutcome(last.outcome.status)}{' '}
      <span className="hint">
        (outcome <code>{last.outcome.status}</code> via <code>{last.outcome.channel}</code>)
      </span>
    </p>
  )
}

/**
 * b.well's data-source search (text, type, paging), a connect control per result, and the user's
 * connections with their status and sync status.
 */
export function ConnectPanel({ settings }: { settings: Settings }) {
  const id = useId()
  const auth = useAuth()
  const signedIn = auth.status === 'signed-in'
  const [search, setSearch] = useState<SearchState>({
    text: '',
    type: '',
    connectableOnly: false,
    page: 0,
  })
  // A new search or filter starts again at the first page.
  const change = (next: Partial<SearchState>) => setSearch({ ...search, page: 0, ...next })

  return (
    <section aria-labelledby={`${id}-heading`} className="panel wide">
      <h2 id={`${id}-heading`}>Connect a data source</h2>
      <p className="explain">
        Finds a health-data source in b.well's directory and links it: OAuth sources through a popup
        (or a redirect) to the provider, completion detected as chosen in Settings; credential
        sources with their username and password.
      </p>
      {!signedIn && (
        <p className="notice">Sign in first: b.well starts your session from your sign-in.</p>
      )}
      <div className="filters">
        <div className="field">
          <label htmlFor={`${id}-search`}>Search providers</label>
          <input
            id={`${id}-search`}
            type="search"
            value={search.text}
            disabled={!signedIn}
            onChange={(event) => change({ text: event.target.value })}
            placeholder="e.g. hospital, lab, Riverside"
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>Type</label>
          <select
            id={`${id}-type`}
            value={search.type}
            disabled={!signedIn}
            onChange={(event) =>
              change({
                type: resultTypes.find((t) => t.value === event.target.value)?.value ?? '',
              })
            }
          >
            <option value="">All types</option>
            {resultTypes.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="field checkbox">
        <input
          id={`${id}-connectable`}
          type="checkbox"
          checked={search.connectableOnly}
          disabled={!signedIn}
          onChange={(event) => change({ connectableOnly: event.target.checked })}
        />
        <label htmlFor={`${id}-connectable`}>Only sources that can be connected</label>
      </div>
      {signedIn && (
        <SearchResults
          search={search}
          settings={settings}
          onPage={(page) => setSearch({ ...search, page })}
        />
      )}
      {signedIn && <RequestSource />}
      <LastAttempt />
      {signedIn && <ConnectionsTable settings={settings} />}
    </section>
  )
}
