import {
  type Connection,
  type MemberConnectionsSource,
  useDeleteConnection,
  useDisconnectConnection,
  useMemberConnections,
} from '@oauth-connect/react/bwell'
import { useId, useState } from 'react'
import { needsReconnect } from './connectionMark.ts'
import { errorText } from './errorText.ts'
import { CredentialsConnect, OAuthConnectButton } from './SourceConnect.tsx'
import type { Settings } from './settings.ts'

function ConnectionActions({
  connection,
  settings,
}: {
  connection: Connection
  settings: Settings
}) {
  const disconnect = useDisconnectConnection()
  const remove = useDeleteConnection()
  const source = { connectionId: connection.id, name: connection.name }
  const busy = disconnect.isPending || remove.isPending
  const error = disconnect.error ?? remove.error
  return (
    <div className="actions">
      {connection.status !== null && needsReconnect.has(connection.status) ? (
        connection.category === 'BASIC' ? (
          <CredentialsConnect source={source} reconnect />
        ) : (
          <OAuthConnectButton source={source} settings={settings} reconnect />
        )
      ) : (
        connection.status === 'CONNECTED' && (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => disconnect.mutate(connection.id)}
          >
            Disconnect {connection.name}
          </button>
        )
      )}
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => remove.mutate(connection.id)}
      >
        Delete {connection.name}
      </button>
      {error && <span role="alert">Failed: {errorText(error)}</span>}
    </div>
  )
}

/** The two ways b.well lists a user's connections. */
const sources: readonly { value: MemberConnectionsSource; label: string }[] = [
  { value: 'getMemberConnections', label: 'getMemberConnections (typed)' },
  { value: 'subscriptions', label: "FHIR Subscriptions (as b.well's SDK reads them)" },
]

/**
 * The signed-in user's b.well connections, with both statuses and what can be done next, read
 * from either of b.well's two shapes.
 */
export function ConnectionsTable({ settings }: { settings: Settings }) {
  const id = useId()
  const [source, setSource] = useState<MemberConnectionsSource>('getMemberConnections')
  return (
    <div className="connections">
      <div className="field">
        <label htmlFor={`${id}-source`}>Read connections from</label>
        <select
          id={`${id}-source`}
          value={source}
          onChange={(event) =>
            setSource(sources.find((s) => s.value === event.target.value)?.value ?? source)
          }
        >
          {sources.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <ConnectionList source={source} settings={settings} />
    </div>
  )
}

function ConnectionList({
  source,
  settings,
}: {
  source: MemberConnectionsSource
  settings: Settings
}) {
  const connections = useMemberConnections({ source })
  if (connections.isPending) return <p role="status">Loading your connections…</p>
  if (connections.isError) {
    return <p role="alert">Could not load your connections: {errorText(connections.error)}</p>
  }
  const list = connections.data.filter((c) => c.status !== 'DELETED')
  const reload = (
    <button
      type="button"
      className="secondary"
      disabled={connections.isFetching}
      onClick={() => void connections.refetch()}
    >
      Reload connections
    </button>
  )
  if (list.length === 0) {
    return (
      <>
        <p>You have no connections yet.</p>
        {reload}
      </>
    )
  }
  return (
    <>
      <table>
        <caption>Your connections</caption>
        <thead>
          <tr>
            <th scope="col">Data source</th>
            <th scope="col">Status</th>
            <th scope="col">Sync status</th>
            <th scope="col">Kind</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.map((connection) => (
            <tr key={connection.id}>
              <th scope="row">{connection.name}</th>
              <td>{connection.status ?? 'Unknown'}</td>
              <td>{connection.syncStatus ?? 'Unknown'}</td>
              <td>
                {connection.category} · {connection.type}
              </td>
              <td>
                <ConnectionActions connection={connection} settings={settings} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {reload}
    </>
  )
}
