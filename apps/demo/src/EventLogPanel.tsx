import { useId } from 'react'
import { eventLog, useEventLog } from './eventLog.ts'

/** Each attempt's phases with their offsets from the first, and the channel that won. */
export function EventLogPanel() {
  const id = useId()
  const attempts = useEventLog()
  return (
    <section aria-labelledby={`${id}-heading`} className="panel">
      <h2 id={`${id}-heading`}>Event log</h2>
      <p className="explain">
        The phases each connection attempt reports through <code>onEvent</code> (opened → navigated
        → settled), with timings and the channel that won.
      </p>
      <div role="log" aria-labelledby={`${id}-heading`} className="log">
        {attempts.length === 0 ? (
          <p>No attempt yet.</p>
        ) : (
          <ol>
            {attempts.map((attempt) => {
              const start = attempt.phases[0]?.at ?? 0
              return (
                <li key={attempt.attemptId}>
                  <strong>{attempt.label}</strong>{' '}
                  <span className="hint">attempt {attempt.attemptId.slice(0, 8)}</span>
                  <ol className="phases">
                    {attempt.phases.map((phase, index) => (
                      // Phases only ever append, so the index is stable.
                      // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
                      <li key={index}>
                        {phase.type} +{Math.round(phase.at - start)} ms
                      </li>
                    ))}
                  </ol>
                  {attempt.result && (
                    <p>
                      Settled as <code>{attempt.result.status}</code> via{' '}
                      <code>{attempt.result.channel}</code> after{' '}
                      {Math.round(attempt.result.elapsedMs)} ms
                    </p>
                  )}
                </li>
              )
            })}
          </ol>
        )}
      </div>
      {attempts.length > 0 && (
        <button type="button" onClick={() => eventLog.clear()}>
          Clear the log
        </button>
      )}
    </section>
  )
}
