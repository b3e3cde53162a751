import { useConnectionCallback } from '@oauth-connect/react'
import { eventLog } from './eventLog.ts'
import { setLatestOutcome } from './latestOutcome.ts'
import { navigate } from './location.ts'
import { describeOutcome } from './outcomeText.ts'

/**
 * `/connect/callback`: the URL registered with b.well for the custom-redirect client key, reached
 * with only `status_code` appended. In a popup it reports to this app's opening tab and closes;
 * in redirect mode it hands the outcome back to the demo.
 */
export function ConnectCallback() {
  const done = useConnectionCallback({
    onRedirect: (returnPath, { outcome }) => {
      setLatestOutcome({ outcome })
      eventLog.record(
        outcome.attemptId,
        outcome.connectionId,
        { type: 'settled', at: Date.now() },
        { status: outcome.status, channel: outcome.channel, elapsedMs: outcome.elapsedMs },
      )
      navigate(returnPath, true)
    },
  })
  return (
    <main className="callback">
      <h1>Finishing the connection</h1>
      {done === undefined && <p role="status">Reading the provider's answer…</p>}
      {done?.kind === 'popup' && (
        <p role="status">
          {describeOutcome(done.statusCode)} This window closes itself; if it stays open, close it.
        </p>
      )}
      {done?.kind === 'redirect' && <p role="status">Going back to the demo…</p>}
      {done?.kind === 'none' && (
        <p>
          There is no connection attempt to finish here. <a href="/">Back to the demo</a>
        </p>
      )}
    </main>
  )
}
