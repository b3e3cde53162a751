/** The time source of the b.well stand-in: token lifetimes and the connection lifecycle. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

/** The process clock, used when the backend runs for real. */
export const systemClock: Clock = { now: () => Date.now() }

/**
 * A clock that moves only when told to. Tests use it to walk a connection through its lifecycle
 * or past a token's expiry without sleeping.
 */
export class ManualClock implements Clock {
  #now: number

  /** @param start milliseconds since the epoch */
  constructor(start: number) {
    if (!Number.isFinite(start)) {
      throw Object.assign(new TypeError('"start" must be a finite number'), {
        code: 'invalid_clock_start',
      })
    }
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  /** Moves the clock forward by `ms` (≥ 0). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw Object.assign(new TypeError('"ms" must be a finite number ≥ 0'), {
        code: 'invalid_clock_step',
      })
    }
    this.#now += ms
  }
}
