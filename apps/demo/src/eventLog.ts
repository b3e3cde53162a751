import { useSyncExternalStore } from 'react'

/** One phase of a connection attempt, as `onEvent` reported it. */
export interface LoggedPhase {
  readonly type: string
  /** Milliseconds since the epoch. */
  readonly at: number
}

/** Everything the log knows about one attempt. */
export interface LoggedAttempt {
  readonly attemptId: string
  readonly label: string
  readonly phases: readonly LoggedPhase[]
  /** On settlement: the outcome's status and the channel that won. */
  readonly result?: {
    readonly status: string
    readonly channel: string
    readonly elapsedMs: number
  }
}

/** A tiny external store: the log outlives the components that feed it. */
export class EventLog {
  #attempts: readonly LoggedAttempt[] = []
  readonly #listeners = new Set<() => void>()

  /** Records a phase; the first phase of an attempt adds it at the top. */
  record(
    attemptId: string,
    label: string,
    phase: LoggedPhase,
    result?: LoggedAttempt['result'],
  ): void {
    const existing = this.#attempts.find((a) => a.attemptId === attemptId)
    const settled = result ?? existing?.result
    const next: LoggedAttempt = {
      attemptId,
      label: existing?.label ?? label,
      phases: [...(existing?.phases ?? []), phase],
      ...(settled && { result: settled }),
    }
    this.#attempts = existing
      ? this.#attempts.map((a) => (a === existing ? next : a))
      : [next, ...this.#attempts]
    for (const listener of [...this.#listeners]) listener()
  }

  /** Empties the log. */
  clear(): void {
    this.#attempts = []
    for (const listener of [...this.#listeners]) listener()
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  getSnapshot = (): readonly LoggedAttempt[] => this.#attempts
}

/** The demo's one log. */
export const eventLog = new EventLog()

/** The logged attempts, newest first. */
export function useEventLog(log: EventLog = eventLog): readonly LoggedAttempt[] {
  return useSyncExternalStore(log.subscribe, log.getSnapshot)
}
