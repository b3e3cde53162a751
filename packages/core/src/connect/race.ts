import { watchClosed } from './closed.ts'
import { connectEnv } from './env.ts'
import { startTimeout } from './timeout.ts'

/**
 * How long a popup that reads closed may still deliver a late signal. The one grace period of the
 * toolkit: the connection flow and the sign-in popup both use it.
 */
export const CLOSED_GRACE_MS = 500

/** How a race ended without a channel's signal. */
export type RaceEnd = 'timeout' | 'aborted' | 'closed'

/** The race of completion channels of one popup attempt; see {@link startRace}. */
export interface Race<T> {
  readonly promise: Promise<T>
  /** Aborted at teardown, for the requests the attempt started (the URL fetch, `confirm`). */
  readonly signal: AbortSignal
  /** `true` once a value has won. */
  readonly done: () => boolean
  /**
   * The first call wins: it resolves the promise, calls `onSettled`, and only then, in a later
   * task, tears down. Later calls do nothing.
   */
  settle(value: T): void
  /**
   * Registers a teardown. Add them while the race runs: the teardown runs once, a task after the
   * race settles.
   */
  add(dispose: (() => void) | undefined): void
  /**
   * The one closed rule: once the popup reads closed, `detach` (when given) keeps the race open
   * for the channels that survive COOP; otherwise `end('closed')` wins after
   * {@link CLOSED_GRACE_MS}, unless a late signal wins first.
   */
  watch(isClosed: () => boolean, intervalMs: number, detach?: () => void): void
}

/** Options of {@link startRace}. */
export interface RaceOptions<T> {
  readonly timeoutMs: number
  /** Aborting it ends the race as `aborted`. */
  readonly signal?: AbortSignal | undefined
  /** The value a race ends with when no channel won: timeout, abort or a closed popup. */
  readonly end: (reason: RaceEnd) => T
  /** Runs synchronously with the winning value, before the teardown. */
  readonly onSettled?: (value: T) => void
}

/**
 * Starts a race that settles exactly once: the first valid signal, the timeout, the abort signal
 * or (see {@link Race.watch}) the popup closing. The winner is reported first and everything else
 * (listeners, intervals, timers, channels, the popup) is torn down after, in a later task, so
 * detection latency never includes the teardown.
 *
 * @param options timeout, abort signal, and what the race ends with
 * @returns the race
 */
export function startRace<T>(options: RaceOptions<T>): Race<T> {
  const { end, signal } = options
  const controller = new AbortController()
  const disposers: (() => void)[] = []
  let won = false
  let resolve: (value: T) => void = () => {}
  const promise = new Promise<T>((done) => {
    resolve = done
  })
  const teardown = () => {
    controller.abort()
    for (const dispose of disposers) dispose()
  }
  const race: Race<T> = {
    promise,
    signal: controller.signal,
    done: () => won,
    settle(value) {
      if (won) return
      won = true
      resolve(value)
      connectEnv.setTimeout(teardown, 0)
      options.onSettled?.(value)
    },
    add(dispose) {
      if (dispose) disposers.push(dispose)
    },
    watch(isClosed, intervalMs, detach) {
      race.add(
        watchClosed(
          isClosed,
          () =>
            detach
              ? detach()
              : race.add(startTimeout(CLOSED_GRACE_MS, () => race.settle(end('closed')))),
          intervalMs,
        ),
      )
    },
  }
  race.add(startTimeout(options.timeoutMs, () => race.settle(end('timeout'))))
  if (signal) {
    race.add(connectEnv.listen(signal, 'abort', () => race.settle(end('aborted'))))
    if (signal.aborted) race.settle(end('aborted'))
  }
  return race
}
