import { useAuth } from '@oauth-connect/react'
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import type { DemoBwell } from './bwell.ts'
import { recordOutcome, startConnect } from './connect.ts'
import { type DemoConnection, useConnections } from './connections.ts'
import { setLatestOutcome, useLatestOutcome } from './latestOutcome.ts'
import { describeOutcome } from './outcomeText.ts'
import type { Settings } from './settings.ts'
import { useDebounced } from './useDebounced.ts'

interface ConnectPanelProps {
  readonly settings: Settings
  readonly bwell: DemoBwell
}

/** Statuses b.well moves on from by itself; the row keeps asking while one is shown. */
const transient = new Set(['RETRIEVING_DATA'])

function ConnectionRow({ connection, bwell }: { connection: DemoConnection; bwell: DemoBwell }) {
  const id = connection.connectionId
  const query = useQuery({
    queryKey: ['bwell', 'connection', id],
    queryFn: () => (id ? bwell.connection(id) : null),
    enabled: id !== undefined,
    refetchInterval: (q) => (transient.has(q.state.data?.status ?? '') ? 1000 : false),
  })
  const status = !id
    ? 'Not created yet'
    : query.isPending
      ? 'Loading…'
      : query.isError
        ? `Unknown (${query.error.message})`
        : (query.data?.status ?? 'Not found')
  return (
    <tr>
      <th scope="row">{connection.providerName}</th>
      <td>{status}</td>
      <td>{connection.lastOutcome ? connection.lastOutcome.status : 'None yet'}</td>
      <td>
        <code>{id ?? '—'}</code>
      </td>
    </tr>
  )
}

/** Provider search, connect buttons and the connection list. */
export function ConnectPanel({ settings, bwell }: ConnectPanelProps) {
  const id = useId()
  const auth = useAuth()
  const queryClient = useQueryClient()
  const signedIn = auth.status === 'signed-in'
  const [search, setSearch] = useState('')
  const query = useDebounced(search.trim(), 250)
  const providers = useQuery({
    queryKey: ['bwell', 'providers', query],
    queryFn: () => bwell.searchProviders(query),
    enabled: signedIn,
    placeholderData: keepPreviousData,
  })
  const connections = useConnections()
  const last = useLatestOutcome()
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set())

  const connect = (providerId: string, providerName: string, mode = settings.mode) => {
    setPending((p) => new Set(p).add(providerId))
    void startConnect({
      providerId,
      providerName,
      bwell,
      mode,
      timeoutMs: settings.timeoutMs,
    }).then((outcome) => {
      setPending((p) => {
        const next = new Set(p)
        next.delete(providerId)
        return next
      })
      recordOutcome(outcome)
      setLatestOutcome({ providerName, outcome })
      void queryClient.invalidateQueries({ queryKey: ['bwell', 'connection'] })
    })
  }

  return (
    <section aria-labelledby={`${id}-heading`} className="panel">
      <h2 id={`${id}-heading`}>Connect a data source</h2>
      <p className="explain">
        Links a health-data provider through b.well's OAuth Connection Flow: a popup (or a
        redirect), then completion detected as chosen in Settings.
      </p>
      {!signedIn && <p className="notice">Sign in first: b.well needs your access token.</p>}
      <div className="field">
        <label htmlFor={`${id}-search`}>Search providers</label>
        <input
          id={`${id}-search`}
          type="search"
          value={search}
          disabled={!signedIn}
          onChange={(event) => setSearch(event.target.value)}
          placeholder="e.g. hospital, lab, Riverside"
        />
      </div>
      {signedIn && providers.isError && (
        <p role="alert">Search failed: {providers.error.message}</p>
      )}
      {signedIn && providers.data && (
        <ul aria-label="Providers" className="providers">
          {providers.data.map((provider) => (
            <li key={provider.id}>
              <span>
                <strong>{provider.name}</strong>{' '}
                <span className="category">
                  {provider.category.replace('_', ' ').toLowerCase()}
                </span>
              </span>
              <button
                type="button"
                aria-disabled={pending.has(provider.id) || undefined}
                onClick={() => {
                  if (!pending.has(provider.id)) connect(provider.id, provider.name)
                }}
              >
                Connect {provider.name}
              </button>
            </li>
          ))}
          {providers.data.length === 0 && <li>No provider matches “{query}”.</li>}
        </ul>
      )}
      <div role="status" className="outcome">
        {last && (
          <p>
            {last.providerName}: {describeOutcome(last.outcome.status)}{' '}
            <span className="hint">
              (outcome <code>{last.outcome.status}</code> via {last.outcome.channel})
            </span>
          </p>
        )}
      </div>
      {last?.outcome.status === 'blocked' && (
        <button
          type="button"
          onClick={() => {
            const entry = connections.find((c) => c.providerName === last.providerName)
            if (entry) connect(entry.providerId, entry.providerName, 'redirect')
          }}
        >
          Continue in this tab
        </button>
      )}
      {connections.length > 0 && (
        <table>
          <caption>Your connections</caption>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Status</th>
              <th scope="col">Last attempt</th>
              <th scope="col">Connection id</th>
            </tr>
          </thead>
          <tbody>
            {connections.map((connection) => (
              <ConnectionRow key={connection.providerId} connection={connection} bwell={bwell} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
