import type { ConnectionOutcome } from '@oauth-connect/core/connect'
import { bwellKeys, useBwell, useCreateConnection, useDataSource } from '@oauth-connect/react/bwell'
import { ConnectProviderButton, CredentialsForm } from '@oauth-connect/ui'
import { useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { allowedOrigins, logEvent, modeOptions } from './connect.ts'
import { errorText } from './errorText.ts'
import { setLatestOutcome } from './latestOutcome.ts'
import type { Settings } from './settings.ts'

/** A data source the user can connect: its connection id (`endpoint[0].name`) and its name. */
export interface Source {
  readonly connectionId: string
  readonly name: string
}

/** What a search row gives the control that connects its source. */
interface ConnectControlProps {
  source: Source
  settings: Settings
  /** Labels the control "Reconnect", for a source whose connection needs the user again. */
  reconnect?: boolean
  /** Called when the user starts an attempt (each of its events). */
  onStart?: (() => void) | undefined
}

/**
 * An `OAUTH` source's button: the popup opens in the click, then b.well's `getOauthUrl(connectionId)`
 * sends it to the provider. Nothing is created before: b.well stores the connection once the
 * provider's consent comes back.
 */
export function OAuthConnectButton({
  source,
  settings,
  reconnect = false,
  onStart,
}: ConnectControlProps) {
  const { client: bwell, user } = useBwell()
  const queryClient = useQueryClient()
  const settled = (outcome: ConnectionOutcome) => {
    setLatestOutcome({ sourceName: source.name, outcome })
    // Any outcome may have changed the connection at b.well (stored, or expired): read it again.
    if (user !== null) void queryClient.invalidateQueries({ queryKey: bwellKeys.connections(user) })
  }
  const log = logEvent(source.name)
  return (
    <ConnectProviderButton
      connectionId={source.connectionId}
      providerName={source.name}
      {...(reconnect && { messages: { connect: 'Reconnect {provider}' } })}
      allowedOrigins={allowedOrigins}
      timeoutMs={settings.timeoutMs}
      {...modeOptions(settings.mode)}
      getRedirectUrl={({ connectionId, signal }) => bwell.getOauthUrl(connectionId, { signal })}
      onEvent={(event) => {
        onStart?.()
        log(event)
      }}
      onSettled={settled}
    />
  )
}

/**
 * A `BASIC` source: "Connect {name}" shows `<CredentialsForm>`, whose username and password go to
 * b.well's `createConnection` once. The password lives in its field until submit: it is never
 * stored, logged or put in state.
 */
export function CredentialsConnect({
  source,
  reconnect = false,
  onStart,
}: {
  source: Source
  reconnect?: boolean
  /** Called when the user opens the form. */
  onStart?: (() => void) | undefined
}) {
  const id = useId()
  const [open, setOpen] = useState(false)
  const create = useCreateConnection()
  return (
    <div className="credentials">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={`${id}-form`}
        onClick={() => {
          if (!open) onStart?.()
          setOpen(!open)
        }}
      >
        {reconnect ? 'Reconnect' : 'Connect'} {source.name}
      </button>
      {open && (
        <fieldset id={`${id}-form`} className="credentials-box">
          <legend>Sign in to {source.name}</legend>
          <CredentialsForm
            providerName={source.name}
            messages={{ submit: 'Connect with these credentials' }}
            onSubmit={(credentials) =>
              create.createConnection({ connectionId: source.connectionId, ...credentials })
            }
            errorMessage={(error) => `Could not connect {provider}: ${errorText(error)}`}
          />
        </fieldset>
      )}
    </div>
  )
}

/**
 * How to connect a source, from b.well's `getDataSource(connectionId).category`: `OAUTH` through
 * the popup, `BASIC` with a username and password. `reconnect` labels it "Reconnect", for a
 * source whose connection needs the user again.
 */
export function SourceConnect({
  source,
  settings,
  reconnect = false,
  onStart,
}: ConnectControlProps) {
  const dataSource = useDataSource(source.connectionId)
  if (dataSource.isPending) return <span className="hint">Checking how to connect…</span>
  if (dataSource.isError) {
    return <span role="alert">Cannot connect: {errorText(dataSource.error)}</span>
  }
  switch (dataSource.data.category) {
    case 'OAUTH':
      return (
        <OAuthConnectButton
          source={source}
          settings={settings}
          reconnect={reconnect}
          onStart={onStart}
        />
      )
    case 'BASIC':
      return <CredentialsConnect source={source} reconnect={reconnect} onStart={onStart} />
    default:
      return <span className="hint">Connect type {dataSource.data.category} is not supported.</span>
  }
}
