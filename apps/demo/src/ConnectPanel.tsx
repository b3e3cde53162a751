import { useAuth } from '@oauth-connect/react'
import { type BwellClient, useConnection, useProviderSearch } from '@oauth-connect/react/bwell'
import { ConnectProviderButton } from '@oauth-connect/ui'
import { useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { allowedOrigins, logEvent, modeOptions, recordOutcome, redirectUrlFor } from './connect.ts'
import { type DemoConnection, provisionalKey, useConnections } from './connections.ts'
import { errorText } from './errorText.ts'
import { setLatestOutcome, useLatestOutcome } from './latestOutcome.ts'
import { describeOutcome } from './outcomeText.ts'
import type { Settings } from './settings.ts'

interface ConnectPanelProps {
  readonly settings: Settings
  readonly bwell: BwellClient
}

function ConnectionRow({
  connection,
  signedIn,
}: {
  connection: DemoConnection
  signedIn: boolean
}) {
  const id = connection.connectionId
  const [retrieving, setRetrieving] = useState(false)
  // b.well moves on from RETRIEVING_DATA by itself: keep asking while it shows.
  const query = useConnection(
    signedIn ? id : undefined,
    retrieving ? { refetchIntervalMs: 1000 } : {},
  )
  const current = query.data?.status
  if ((current === 'RETRIEVING_DATA') !== retrieving) setRetrieving(!retrieving)
  const status = !id
    ? 'Not created yet'
    : !signedIn
      ? 'Sign in to see it'
      : query.isPending
        ? 'Loading…'
        : query.isError
          ? `Unknown (${errorText(query.error)})`
          : (current ?? 'Not found')
  return (
    <tr>
      <th scope="row">{connection.providerName}</th>
      <td>{status}</td>
      <td>{connection.lastOutcome?.status ?? 'None yet'}</td>
      <td>
        <code>{id ?? '—'}</code>
      </td>
    </tr>
  )
}

/** The search results, each with its connect button; mounted only while someone is signed in. */
function ProviderResults({
  search,
  settings,
  bwell,
}: {
  search: string
  settings: Settings
  bwell: BwellClient
}) {
  const queryClient = useQueryClient()
  // An empty query lists every provider, so a first-time visitor sees what exists.
  const providers = useProviderSearch(search, { minLength: 0 })
  const connections = useConnections()
  const options = modeOptions(settings.mode)
  return (
    <>
      {providers.isError && <p role="alert">Search failed: {errorText(providers.error)}</p>}
      {providers.data && (
        <ul aria-label="Providers" className="providers">
          {providers.data.map((provider) => {
            const entry = connections.find((c) => c.providerId === provider.id)
            return (
              <li key={provider.id}>
                <span>
                  <strong>{provider.name}</strong>{' '}
                  <span className="category">
                    {provider.category.replace('_', ' ').toLowerCase()}
                  </span>
                </span>
                <ConnectProviderButton
                  connectionId={entry?.connectionId ?? provisionalKey(provider.id)}
                  providerName={provider.name}
                  allowedOrigins={allowedOrigins}
                  timeoutMs={settings.timeoutMs}
                  {...options}
                  getRedirectUrl={redirectUrlFor(bwell, provider)}
                  onEvent={logEvent(provider.name)}
                  onSettled={(outcome) => {
                    recordOutcome(outcome, provider)
                    setLatestOutcome({ providerName: provider.name, outcome })
                    void queryClient.invalidateQueries({ queryKey: ['oauth-connect', 'bwell'] })
                  }}
                />
              </li>
            )
          })}
          {providers.data.length === 0 && <li>No provider matches “{search.trim()}”.</li>}
        </ul>
      )}
    </>
  )
}

/** Provider search, a connect button per result, and the connections with their status. */
export function ConnectPanel({ settings, bwell }: ConnectPanelProps) {
  const id = useId()
  const auth = useAuth()
  const signedIn = auth.status === 'signed-in'
  const [search, setSearch] = useState('')
  const connections = useConnections()
  const last = useLatestOutcome()

  return (
    <section aria-labelledby={`${id}-heading`} className="panel wide">
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
      {signedIn && <ProviderResults search={search} settings={settings} bwell={bwell} />}
      {last && (
        <p className="last-outcome">
          Last attempt: {last.providerName}: {describeOutcome(last.outcome.status)}{' '}
          <span className="hint">
            (outcome <code>{last.outcome.status}</code> via <code>{last.outcome.channel}</code>)
          </span>
        </p>
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
              <ConnectionRow
                key={connection.providerId}
                connection={connection}
                signedIn={signedIn}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
