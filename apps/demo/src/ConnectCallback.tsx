import { type CompletionResult, completeConnection } from '@oauth-connect/core/connect'
import { useEffect } from 'react'
import { pollMarker, recordOutcome } from './connect.ts'
import { connectionList } from './connections.ts'
import { eventLog } from './eventLog.ts'
import { setLatestOutcome } from './latestOutcome.ts'
import { navigate } from './location.ts'
import { describeOutcome } from './outcomeText.ts'

let result: CompletionResult | undefined

/** Runs `completeConnection` once per page, whatever StrictMode replays. */
function completeOnce(): CompletionResult {
  result ??= completeConnection()
  return result
}

/**
 * `/connect/callback`, the custom redirect. In polling mode it stays passive, because the opener
 * reads its URL and closes it; otherwise it reports to the opener and the BroadcastChannel, or,
 * after a whole-tab redirect, hands the outcome back to the demo.
 */
export function ConnectCallback() {
  const polled = new URLSearchParams(location.search).get(pollMarker) === 'poll'
  const done = polled ? undefined : completeOnce()
  useEffect(() => {
    if (done?.kind !== 'redirect') return
    const { outcome } = done
    const entry = connectionList().findByKey(outcome.connectionId)
    const providerName = entry?.providerName ?? 'The provider'
    recordOutcome(outcome)
    setLatestOutcome({ providerName, outcome })
    eventLog.record(
      outcome.attemptId,
      providerName,
      { type: 'settled', at: Date.now() },
      { status: outcome.status, channel: outcome.channel, elapsedMs: outcome.elapsedMs },
    )
    navigate(done.returnPath, true)
  }, [done])
  return (
    <main className="callback">
      <h1>Finishing the connection</h1>
      {polled && (
        <p role="status">
          The window that opened this one reads this page's address and closes it.
        </p>
      )}
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
