import { useAuth } from '@oauth-connect/react'
import { BwellClientProvider } from '@oauth-connect/react/bwell'
import { type ReactNode, useEffect, useRef } from 'react'
import { bwellClientFor, signOutOfBwell } from './bwell.ts'
import { eventLog } from './eventLog.ts'
import { clearLatestOutcome } from './latestOutcome.ts'
import { returnTargetOf, type Settings } from './settings.ts'

/**
 * The b.well session of the signed-in user, under the client key of the chosen return target. A
 * new user (or none) drops every b.well session and every b.well query of the previous one, and
 * the demo's own record of their attempts.
 */
export function BwellSession({
  settings,
  getIdentityToken,
  children,
}: {
  settings: Settings
  getIdentityToken: () => Promise<string>
  children: ReactNode
}) {
  const auth = useAuth()
  const user = auth.status === 'signed-in' ? (auth.claims?.sub ?? null) : null
  const previous = useRef(user)
  useEffect(() => {
    const before = previous.current
    previous.current = user
    // Only a user who leaves has anything to drop; a sign-in from nobody keeps the record of the
    // attempt a redirect-mode callback has just handed back.
    if (before === null || before === user) return
    signOutOfBwell()
    eventLog.clear()
    clearLatestOutcome()
  }, [user])
  const client = bwellClientFor(returnTargetOf(settings.mode), getIdentityToken)
  return (
    <BwellClientProvider client={client} user={user}>
      {children}
    </BwellClientProvider>
  )
}
