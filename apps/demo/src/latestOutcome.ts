import type { ConnectionOutcome } from '@oauth-connect/core/connect'
import { useSyncExternalStore } from 'react'

/** The most recent attempt's outcome, with the data source it was for. */
export interface LatestOutcome {
  /** The data source's display name, when the page that saw the outcome knew it. */
  readonly sourceName?: string
  readonly outcome: ConnectionOutcome
}

let latest: LatestOutcome | undefined
const listeners = new Set<() => void>()

function changed(): void {
  for (const listener of [...listeners]) listener()
}

/** Shows an outcome as the latest; a redirect-mode callback sets it before going back. */
export function setLatestOutcome(value: LatestOutcome): void {
  latest = value
  changed()
}

/** Forgets the latest outcome: it belongs to the user who signed out. */
export function clearLatestOutcome(): void {
  if (latest === undefined) return
  latest = undefined
  changed()
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

/** The latest outcome, if any attempt has ended in this page. */
export function useLatestOutcome(): LatestOutcome | undefined {
  return useSyncExternalStore(subscribe, () => latest)
}
