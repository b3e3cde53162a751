import { useId } from 'react'
import { navigate } from './location.ts'
import {
  type CompletionMode,
  completionModes,
  readSettings,
  returnTargetOf,
  returnTargets,
  type Settings,
  timeoutBounds,
  writeSettings,
} from './settings.ts'

interface SettingsPanelProps {
  readonly settings: Settings
}

/** The settings form; every change goes into the URL query, so a link reproduces the setup. */
export function SettingsPanel({ settings }: SettingsPanelProps) {
  const id = useId()
  const apply = (change: Partial<Settings>) => {
    const next = { ...settings, ...change }
    const path = location.pathname + writeSettings(location.search, next)
    // The login client is made once per page with its storage; another storage needs a new page.
    if (next.storage !== settings.storage) location.assign(path)
    else navigate(path, true)
  }
  const hint = completionModes.find((m) => m.value === settings.mode)?.hint
  const target = returnTargetOf(settings.mode)
  const targetHint = returnTargets.find((t) => t.value === target)?.hint
  return (
    <section aria-labelledby={`${id}-heading`} className="panel settings">
      <h2 id={`${id}-heading`}>Settings</h2>
      <p className="explain">
        How the demo connects and signs in. Everything here is kept in the address bar, so a link
        reproduces the setup.
      </p>
      <fieldset className="field" aria-describedby={`${id}-target-hint`}>
        <legend>Return target</legend>
        {returnTargets.map((t) => (
          <div key={t.value} className="checkbox">
            <input
              id={`${id}-target-${t.value}`}
              type="radio"
              name={`${id}-target`}
              value={t.value}
              checked={target === t.value}
              onChange={() => apply({ mode: t.defaultMode })}
            />
            <label htmlFor={`${id}-target-${t.value}`}>{t.label}</label>
          </div>
        ))}
        <p id={`${id}-target-hint`} className="hint">
          {targetHint} Each target is a different client key, so switching starts a new b.well
          session.
        </p>
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-mode`}>Completion mode</label>
        <select
          id={`${id}-mode`}
          value={settings.mode}
          aria-describedby={`${id}-mode-hint`}
          onChange={(event) => {
            const value = completionModes.find((m) => m.value === event.target.value)?.value
            if (value) apply({ mode: value satisfies CompletionMode })
          }}
        >
          {completionModes
            .filter((m) => m.target === target)
            .map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
        </select>
        <p id={`${id}-mode-hint`} className="hint">
          {hint}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-timeout`}>Timeout (ms)</label>
        <input
          id={`${id}-timeout`}
          type="number"
          inputMode="numeric"
          min={timeoutBounds.min}
          max={timeoutBounds.max}
          step={100}
          defaultValue={settings.timeoutMs}
          key={settings.timeoutMs}
          aria-describedby={`${id}-timeout-hint`}
          onBlur={(event) => {
            const parsed = readSettings(`?timeout=${encodeURIComponent(event.target.value)}`)
            apply({ timeoutMs: parsed.timeoutMs })
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') event.currentTarget.blur()
          }}
        />
        <p id={`${id}-timeout-hint`} className="hint">
          How long a connection attempt may take before it ends as a timeout ({timeoutBounds.min} to{' '}
          {timeoutBounds.max} ms).
        </p>
      </div>
      <div className="field checkbox">
        <input
          id={`${id}-popup`}
          type="checkbox"
          checked={settings.loginPopup}
          onChange={(event) => apply({ loginPopup: event.target.checked })}
        />
        <label htmlFor={`${id}-popup`}>Sign in with a popup</label>
      </div>
      <div className="field checkbox">
        <input
          id={`${id}-storage`}
          type="checkbox"
          checked={settings.storage === 'session'}
          aria-describedby={`${id}-storage-hint`}
          onChange={(event) => apply({ storage: event.target.checked ? 'session' : 'memory' })}
        />
        <label htmlFor={`${id}-storage`}>Keep tokens in sessionStorage</label>
        <p id={`${id}-storage-hint`} className="hint">
          Off: tokens live in memory and a reload signs you out. On: they survive a reload of this
          tab, which Redirect mode needs. Changing it reloads the page.
        </p>
      </div>
    </section>
  )
}
