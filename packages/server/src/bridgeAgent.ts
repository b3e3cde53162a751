import { InvalidArgumentError } from './errors.ts'
import { Secret } from './secret.ts'

/** Options of {@link bridgeAgentHeaders}. */
export interface BridgeAgentOptions {
  /** The Bridge Agent's id. */
  agentId: string
  /** The Bridge Agent's key. Pass a {@link Secret} to keep it out of your own logs too. */
  agentKey: string | Secret
  /** The clock, in milliseconds since the epoch (like `Date.now`). */
  now?: () => number
}

/**
 * The OpesCare Bridge Agent headers. A type alias rather than an interface so it is assignable
 * to `HeadersInit` (`Record<string, string>`).
 */
export type BridgeAgentHeaders = {
  readonly 'X-Bridge-Agent-ID': string
  readonly 'X-Bridge-Agent-Key': string
  /** Unix time in whole seconds, as a decimal string. */
  readonly 'X-Bridge-Timestamp': string
}

// Header values may not carry CR, LF or other controls (header injection).
const HEADER_VALUE = /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/

/**
 * Builds the headers an OpesCare Bridge Agent sends: its id, its key and the current time.
 * The server checks the key against its stored hash and refuses a timestamp that is too old or
 * too far ahead, so build the headers per request rather than once.
 *
 * @param options The agent's id and key, and optionally a clock.
 * @returns A plain header object, ready for `fetch`'s `headers`.
 * @throws {InvalidArgumentError} when the id or key is empty or not a valid header value, or the
 *   clock returns something other than a finite number.
 */
export function bridgeAgentHeaders(options: BridgeAgentOptions): BridgeAgentHeaders {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('"options" must be an object')
  }
  const { agentId } = options
  const agentKey = options.agentKey instanceof Secret ? options.agentKey.reveal() : options.agentKey
  if (typeof agentId !== 'string' || !HEADER_VALUE.test(agentId)) {
    throw new InvalidArgumentError('"agentId" must be a non-empty header-safe string')
  }
  if (typeof agentKey !== 'string' || !HEADER_VALUE.test(agentKey)) {
    throw new InvalidArgumentError('"agentKey" must be a non-empty header-safe string')
  }
  const now = (options.now ?? Date.now)()
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new InvalidArgumentError('"now" must return a finite number of milliseconds')
  }
  return {
    'X-Bridge-Agent-ID': agentId,
    'X-Bridge-Agent-Key': agentKey,
    'X-Bridge-Timestamp': String(Math.floor(now / 1000)),
  }
}
