import type { ConnectionOutcome } from '@oauth-connect/core/connect'
import { useSyncExternalStore } from 'react'

/** The most recent attempt's outcome, with the provider it was for. */
export interface LatestOutcome {
  readonly providerName: string
  readonly outcome: ConnectionOutcome
}

let latest: LatestOutcome | undefined
const listeners = new Set<() => void>()

/** Shows an outcome as the latest; a redirect-mode callback sets it before going back. */
export function setLatestOutcome(value: LatestOutcome): void {
  latest = value
  for (const listener of [...listeners]) listener()
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
