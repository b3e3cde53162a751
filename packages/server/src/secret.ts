import { inspect } from 'node:util'

const REDACTED = '[redacted]'

/**
 * Holds a credential so that it cannot leak by accident: `String()`, template literals,
 * `JSON.stringify` and `util.inspect` (and so `console.log`) all print `[redacted]`.
 * Only {@link Secret.reveal} returns the value.
 */
export class Secret {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  /** The raw value, for the one place that must send it. */
  reveal(): string {
    return this.#value
  }

  toString(): string {
    return REDACTED
  }

  toJSON(): string {
    return REDACTED
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`
  }
}
