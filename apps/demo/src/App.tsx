import { AuthProvider } from '@oauth-connect/react'
import { dpopOn, identityTokenFor, loginClientFor } from './auth.ts'
import { BwellSession } from './BwellSession.tsx'
import { ConnectCallback } from './ConnectCallback.tsx'
import { ConnectPanel } from './ConnectPanel.tsx'
import { patientUrl } from './config.ts'
import { DpopSwitch } from './DpopSwitch.tsx'
import { EventLogPanel } from './EventLogPanel.tsx'
import { LoginCallback } from './LoginCallback.tsx'
import { useLocation } from './location.ts'
import { SettingsPanel } from './SettingsPanel.tsx'
import { SignInPanel } from './SignInPanel.tsx'
import { SmartCallback } from './SmartCallback.tsx'
import { SmartPanel } from './SmartPanel.tsx'
import { SystemAccessPanel } from './SystemAccessPanel.tsx'
import { readSettings, type Settings, tokenStorageFor } from './settings.ts'

// The storage of the page's first URL decides the client: it holds the tokens for the page's life.
const initialStorage = tokenStorageFor(location.pathname, location.search)

const getIdentityToken = identityTokenFor(initialStorage)

function Home({ settings }: { settings: Settings }) {
  return (
    <>
      <header className="banner">
        <h1>oauth-connect demo</h1>
        <p>
          Connect a health-data source, sign in with PKCE, and see system access, against a local
          mock backend. Start by signing in.
        </p>
      </header>
      <main className="grid">
        <SignInPanel settings={settings} />
        <SmartPanel />
        <ConnectPanel settings={settings} />
        <SettingsPanel settings={settings} />
        <DpopSwitch on={dpopOn} />
        <SystemAccessPanel />
        <EventLogPanel />
      </main>
      <footer className="footer">
        <p>Every server here is a local stand-in. Nothing leaves this machine.</p>
      </footer>
    </>
  )
}

/** The demo: three routes on the History API, under one login client. */
export function App() {
  const { pathname, search } = useLocation()
  const settings = readSettings(search)
  const client = loginClientFor(initialStorage)
  return (
    <AuthProvider client={client} fhirBaseUrl={patientUrl.replace(/\/Patient$/, '')}>
      <BwellSession settings={settings} getIdentityToken={getIdentityToken}>
        {pathname === '/callback' ? (
          <LoginCallback />
        ) : pathname === '/smart/callback' ? (
          <SmartCallback />
        ) : pathname === '/connect/callback' ? (
          <ConnectCallback />
        ) : (
          <Home settings={settings} />
        )}
      </BwellSession>
    </AuthProvider>
  )
}
