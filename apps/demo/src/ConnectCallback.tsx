import { useConnectionCallback } from '@oauth-connect/react'
import { recordOutcome, viaParam } from './connect.ts'
import { connectionList } from './connections.ts'
import { eventLog } from './eventLog.ts'
import { setLatestOutcome } from './latestOutcome.ts'
import { navigate } from './location.ts'
import { describeOutcome } from './outcomeText.ts'

/** Popup or redirect mode: report the status and close, or hand the outcome back to the demo. */
function CompletingCallback() {
  const done = useConnectionCallback({
    onRedirect: (returnPath, { outcome }) => {
      const providerName = connectionList().findByKey(outcome.connectionId)?.providerName
      recordOutcome(outcome)
      setLatestOutcome({ providerName: providerName ?? 'The provider', outcome })
      eventLog.record(
        outcome.attemptId,
        providerName ?? 'Redirect',
        { type: 'settled', at: Date.now() },
        { status: outcome.status, channel: outcome.channel, elapsedMs: outcome.elapsedMs },
      )
      navigate(returnPath, true)
    },
  })
  return (
    <>
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
    </>
  )
}

/**
 * `/connect/callback`, the custom redirect. In a popup in polling mode it stays passive: the
 * opener reads this page's URL and closes it. Otherwise it completes the connection.
 */
export function ConnectCallback() {
  const polled =
    new URLSearchParams(location.search).get(viaParam) === 'poll' && window.opener !== null
  return (
    <main className="callback">
      <h1>Finishing the connection</h1>
      {polled ? (
        <p role="status">
          The window that opened this one reads this page's address and closes it.
        </p>
      ) : (
        <CompletingCallback />
      )}
    </main>
  )
}
