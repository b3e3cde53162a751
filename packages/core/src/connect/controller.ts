import { type Attempt, prepareAttempt } from './attempt.ts'
import type { ConnectMode, ConnectProviderOptions } from './connectProvider.ts'
import type {
  ConnectionEvent,
  ConnectionOutcome,
  ConnectionPhase,
  ConnectionStatus,
} from './outcome.ts'

// The one-attempt-per-connection rule, for connectProvider and every controller alike.
const open = new Map<string, Attempt>()

/**
 * Starts an attempt for `options.connectionId`, or, while one is open for that connection, brings
 * its popup to the front and returns it.
 *
 * @param onStart called with a new attempt before it reports its first phase
 * @throws {InvalidArgumentError} for options of the wrong shape, before anything opens
 */
export function startAttempt(
  options: ConnectProviderOptions,
  onStart?: (attempt: Attempt) => void,
): Attempt {
  const { connectionId } = options
  const run = prepareAttempt(options)
  const existing = open.get(connectionId)
  if (existing) {
    existing.focus()
    return existing
  }
  return run((attempt) => {
    open.set(connectionId, attempt)
    onStart?.(attempt)
    // Called as it settles, before it reports so: a click in the outcome's handler starts afresh.
    return () => open.delete(connectionId)
  })
}

// Phases of the attempts controllers started, for every controller that shows one of them.
interface Relay {
  last?: ConnectionEvent
  readonly listeners: Set<(event: ConnectionEvent) => void>
}
const relays = new Map<string, Relay>()
const relayOf = (attemptId: string): Relay => {
  const relay = relays.get(attemptId) ?? { listeners: new Set() }
  relays.set(attemptId, relay)
  return relay
}
const relay = (event: ConnectionEvent): void => {
  const entry = relayOf(event.attemptId)
  entry.last = event
  if (event.type === 'settled') relays.delete(event.attemptId)
  for (const listener of entry.listeners) listener(event)
}

/** The attempt a controller shows, as its snapshot names it. */
export interface AttemptRef {
  readonly attemptId: string
  readonly connectionId: string
}

/** What a {@link ConnectionController} shows; a new object on every change, stable in between. */
export interface ConnectionSnapshot {
  /** `idle`, `pending`, or the outcome's status. */
  readonly status: 'idle' | 'pending' | ConnectionStatus
  /** The attempt's last phase, or `idle`. */
  readonly phase: 'idle' | ConnectionPhase
  /** The attempt on show, pending or settled; `undefined` when idle. */
  readonly attempt: AttemptRef | undefined
  /** Its outcome, once settled. */
  readonly outcome: ConnectionOutcome | undefined
  readonly isPending: boolean
}

/** Options of a {@link ConnectionController}: the `connectProvider` options it starts attempts with. */
export interface ConnectionControllerOptions
  extends Omit<ConnectProviderOptions, 'connectionId' | 'signal'> {
  /** Called once with a `success` outcome of the attempt on show, while subscribed. */
  readonly onSuccess?: (outcome: Extract<ConnectionOutcome, { status: 'success' }>) => void
  /** Called once with any other outcome of the attempt on show, while subscribed. */
  readonly onError?: (outcome: Exclude<ConnectionOutcome, { status: 'success' }>) => void
  /** Called once with every outcome of the attempt on show, while subscribed. */
  readonly onSettled?: (outcome: ConnectionOutcome) => void
}

/** Per-call overrides of {@link ConnectionController.connect}. */
export interface ConnectOverrides {
  /** Overrides `mode`, e.g. `'redirect'` to continue a blocked attempt in this tab. */
  readonly mode?: ConnectMode
}

const IDLE: ConnectionSnapshot = {
  status: 'idle',
  phase: 'idle',
  attempt: undefined,
  outcome: undefined,
  isPending: false,
}

/**
 * Observes connection attempts for one place in the UI (a button, a row), in the manner of
 * TanStack Query's observers: `connect` starts an attempt (or shows the open one of the same
 * connection), `subscribe` / `getSnapshot` expose its phase and outcome, and `onEvent`,
 * `onSuccess`, `onError` and `onSettled` report it while someone is subscribed, each outcome
 * exactly once. When the last subscriber leaves, the pending attempt on show is aborted and nothing
 * is reported any more: a framework binding gets "abort on unmount" for free.
 *
 * Methods are bound: pass them around as they are.
 */
export class ConnectionController {
  #options: ConnectionControllerOptions
  #listeners = new Set<() => void>()
  #snapshot = IDLE
  #attempt: Attempt | undefined
  #connectionId = ''
  #last: ConnectionEvent | undefined
  #outcome: ConnectionOutcome | undefined
  #unwatch: (() => void) | undefined

  constructor(options: ConnectionControllerOptions) {
    this.#options = options
  }

  /** Replaces the options; later attempts and reports use them. */
  setOptions = (options: ConnectionControllerOptions): void => {
    this.#options = options
  }

  /**
   * Listens for snapshot changes.
   *
   * @returns the unsubscribe function; the last one aborts the pending attempt on show
   */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
      if (!this.#listeners.size) this.cancel()
    }
  }

  getSnapshot = (): ConnectionSnapshot => this.#snapshot

  /**
   * Starts an attempt for `connectionId`; call it straight from the click handler, since it opens
   * the popup synchronously. While that connection's attempt is open (here or elsewhere) it focuses
   * its popup and shows that attempt instead. A pending attempt of another connection shown here is
   * aborted once the new one has opened.
   *
   * @returns the outcome, which never rejects
   * @throws {InvalidArgumentError} for options of the wrong shape
   */
  connect = (connectionId: string, overrides?: ConnectOverrides): Promise<ConnectionOutcome> => {
    const { onSuccess, onError, onSettled, onEvent, ...options } = this.#options
    const previous = this.#attempt
    const attempt = startAttempt(
      { ...options, ...overrides, connectionId, onEvent: relay },
      // Shown before its first phase ('opened', reported synchronously), so that one counts too.
      (started) => {
        this.#connectionId = connectionId
        this.#show(started)
      },
    )
    // An open attempt of this connection, or one settled at once (a blocked popup).
    this.#connectionId = connectionId
    if (attempt !== this.#attempt) this.#show(attempt)
    if (attempt !== previous) previous?.cancel()
    return attempt.promise
  }

  /** Aborts the pending attempt on show (outcome `aborted`) and closes its popup. */
  cancel = (): void => {
    this.#attempt?.cancel()
  }

  /** Aborts the pending attempt on show and forgets it: back to `idle`. */
  reset = (): void => {
    const attempt = this.#attempt
    this.#show(undefined)
    attempt?.cancel()
  }

  #show(attempt: Attempt | undefined): void {
    this.#unwatch?.()
    this.#attempt = attempt
    this.#outcome = undefined
    this.#last = undefined
    this.#unwatch = undefined
    if (attempt) {
      const entry = relayOf(attempt.attemptId)
      this.#last = entry.last
      const onEvent = (event: ConnectionEvent) => {
        this.#last = event
        if (this.#listeners.size) this.#options.onEvent?.(event)
        this.#settle(attempt, event.outcome)
      }
      entry.listeners.add(onEvent)
      this.#unwatch = () => {
        entry.listeners.delete(onEvent)
        if (!entry.listeners.size) relays.delete(attempt.attemptId)
      }
      // Attempts that connectProvider started report no phases here; their outcome still arrives.
      attempt.promise.then((outcome) => this.#settle(attempt, outcome))
    }
    this.#update()
  }

  // Both the 'settled' phase and the promise report an outcome: the first one counts.
  #settle(attempt: Attempt, outcome: ConnectionOutcome | undefined): void {
    if (attempt !== this.#attempt || this.#outcome) return
    this.#outcome = outcome
    this.#update()
    if (!outcome) return
    this.#unwatch?.()
    this.#unwatch = undefined
    if (!this.#listeners.size) return
    const { onSuccess, onError, onSettled } = this.#options
    if (outcome.status === 'success') onSuccess?.(outcome)
    else onError?.(outcome)
    onSettled?.(outcome)
  }

  #update(): void {
    const attempt = this.#attempt
    const outcome = this.#outcome
    const next: ConnectionSnapshot = attempt
      ? {
          status: outcome?.status ?? 'pending',
          phase: outcome ? 'settled' : (this.#last?.type ?? 'opened'),
          attempt: { attemptId: attempt.attemptId, connectionId: this.#connectionId },
          outcome,
          isPending: !outcome,
        }
      : IDLE
    const previous = this.#snapshot
    if (
      next.status === previous.status &&
      next.phase === previous.phase &&
      next.attempt?.attemptId === previous.attempt?.attemptId
    ) {
      return
    }
    this.#snapshot = next
    for (const listener of this.#listeners) listener()
  }
}
