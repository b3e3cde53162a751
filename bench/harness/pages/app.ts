// The benchmark app page. The generated entry passes in the run-time namespace of
// `@oauth-connect/core/connect`, so this file measures whatever the package exports and names any
// export it needs but cannot find.

/** The channels whose detection latency is measured. */
/**
 * The channels whose detection latency is measured; `bare-message` is the same hosted page heard by
 * a plain `message` listener on a plain `window.open`, without the toolkit: the floor for a page
 * that signals while it loads.
 */
export type LatencyChannel = 'message' | 'poll' | 'broadcast' | 'bare-message'

/** One measured attempt. */
export interface AttemptResult {
  readonly run: string
  /** `performance.timeOrigin + performance.now()` when the app's `await` resumed with the outcome. */
  readonly settledAt: number
  readonly status: string
  readonly channel: string
}

/** What the leak run did. */
export interface LeakRun {
  readonly attempts: number
  /** Attempts running side by side. */
  readonly lanes: number
  /** Outcomes by `kind → status/channel`. */
  readonly outcomes: Record<string, number>
  /** Total milliseconds spent per kind. */
  readonly msByKind: Record<string, number>
  /** The first attempts that timed out although their kind should not, with their phases. */
  readonly unexpected: readonly string[]
  readonly elapsedMs: number
}

export interface BenchApi {
  readonly exports: readonly string[]
  attempt(channel: LatencyChannel, run: string, pollIntervalMs: number): Promise<AttemptResult>
  floor(count: number): Promise<number[]>
  /** Bare BroadcastChannel round trips: app window → app-origin popup → app window. */
  broadcastFloor(count: number): Promise<number[]>
  leaks(count: number, lanes: number): Promise<LeakRun>
}

declare global {
  interface Window {
    bench?: BenchApi
    benchError?: string
  }
}

type ConnectProvider = (options: Record<string, unknown>) => Promise<unknown>

interface Outcome {
  readonly status: string
  readonly channel: string
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null

function isOutcome(value: unknown): value is Outcome {
  return isRecord(value) && typeof value.status === 'string' && typeof value.channel === 'string'
}

function need<T>(mod: Record<string, unknown>, name: string, guard: (v: unknown) => v is T): T {
  const value = mod[name]
  if (!guard(value)) {
    throw new Error(
      `missing export "${name}" from "@oauth-connect/core/connect" (it exports at run time: ${Object.keys(mod).sort().join(', ')})`,
    )
  }
  return value
}

const isFunction = (value: unknown): value is ConnectProvider => typeof value === 'function'
const isChannel = (value: unknown): value is object =>
  isRecord(value) && typeof value.start === 'function'
const now = () => performance.timeOrigin + performance.now()

/** The kinds of attempt the leak run cycles through, one outcome each. */
const leakKinds = [
  'message-success',
  'message-failure',
  'broadcast-cancelled',
  'poll-expired',
  'callback-unauthorized',
  'registered-message',
  'registered-broadcast',
  'registered-poll',
  'closed',
  'timeout',
  'aborted',
  'redirect-url-rejects',
  'redirect-url-unsafe',
  'blocked',
] as const
type LeakKind = (typeof leakKinds)[number]

/**
 * Installs `window.bench`.
 *
 * @param mod the run-time namespace of `@oauth-connect/core/connect`
 */
export function install(mod: Record<string, unknown>): void {
  try {
    const connectProvider = need(mod, 'connectProvider', isFunction)
    // The channels that hear the app's callback page are imports of their own.
    const channelOf: Record<Exclude<LatencyChannel, 'bare-message'>, unknown> = {
      message: 'message',
      poll: need(mod, 'pollChannel', isChannel),
      broadcast: need(mod, 'broadcastChannel', isChannel),
    }
    const pollChannel = channelOf.poll
    const broadcastChannel = channelOf.broadcast
    const provider = new URLSearchParams(location.search).get('provider') ?? ''
    const callbackUrl = `${location.origin}/connect/callback`
    // Attempts run one after another; each gets its own connection id all the same.
    let sequence = 0

    const authorize = (next: string) => `${provider}/authorize?next=${encodeURIComponent(next)}`
    const withParams = (url: string, params: Record<string, string>) => {
      const u = new URL(url)
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v)
      return u.href
    }

    // What the next window.open does, while the leak run's shim is installed. connectProvider opens
    // its popup synchronously, so setting this just before the call reaches exactly that open.
    let nextOpen: { readonly lane: number; readonly blocked: boolean } = { lane: 0, blocked: false }

    const run = async (
      options: Record<string, unknown>,
      lane = 0,
      blocked = false,
    ): Promise<Outcome> => {
      sequence += 1
      nextOpen = { lane, blocked }
      let pending: Promise<unknown>
      try {
        pending = connectProvider({ connectionId: `bench-${sequence}`, ...options })
      } finally {
        nextOpen = { lane: 0, blocked: false }
      }
      const outcome = await pending
      if (!isOutcome(outcome))
        throw new Error(`connectProvider resolved with ${JSON.stringify(outcome)}`)
      return outcome
    }

    const attempt = async (
      channel: LatencyChannel,
      id: string,
      pollIntervalMs: number,
    ): Promise<AttemptResult> => {
      let outcome: Outcome
      if (channel === 'bare-message') {
        const popup = window.open('', `bench-bare-${id}`, 'width=500,height=600')
        if (popup === null) throw new Error('the bare popup was blocked')
        await new Promise<void>((resolve) => {
          const onMessage = (event: MessageEvent) => {
            if (event.source !== popup || event.origin !== provider) return
            removeEventListener('message', onMessage)
            resolve()
          }
          addEventListener('message', onMessage)
          popup.location.href = authorize(
            `${provider}/oauth/complete?status_code=success&run=${id}`,
          )
        })
        const settledAt = now()
        popup.close()
        return { run: id, settledAt, status: 'success', channel }
      } else if (channel === 'message') {
        // Hosted mode: the provider-origin completion page posts 'status-success' to the opener.
        outcome = await run({
          allowedOrigins: [provider],
          channels: ['message'],
          getRedirectUrl: () =>
            authorize(`${provider}/oauth/complete?status_code=success&run=${id}`),
        })
      } else {
        // Custom redirect: the app-origin callback page either broadcasts or stays put (poll).
        outcome = await run({
          callbackUrl,
          channels: [channelOf[channel]],
          pollIntervalMs,
          getRedirectUrl: ({ redirectUri }: { redirectUri?: string }) => {
            if (redirectUri === undefined)
              throw new Error('no redirectUri although callbackUrl is set')
            return authorize(
              withParams(redirectUri, { status_code: 'success', signal: channel, run: id }),
            )
          },
        })
      }
      const settledAt = now()
      return { run: id, settledAt, status: outcome.status, channel: outcome.channel }
    }

    const floor = async (count: number): Promise<number[]> => {
      const popup = window.open(`${provider}/echo`, 'oauth-connect-floor', 'width=500,height=600')
      if (popup === null) throw new Error('the floor popup was blocked')
      try {
        await new Promise<void>((resolve) => {
          const onReady = (event: MessageEvent) => {
            if (event.source === popup && event.data === 'echo-ready') {
              removeEventListener('message', onReady)
              resolve()
            }
          }
          addEventListener('message', onReady)
        })
        const rtts: number[] = []
        for (let i = 0; i < count; i += 1) {
          rtts.push(
            await new Promise<number>((resolve) => {
              const onEcho = (event: MessageEvent) => {
                if (event.source !== popup || event.origin !== provider || event.data !== i) return
                const t1 = now()
                removeEventListener('message', onEcho)
                resolve(t1 - t0)
              }
              addEventListener('message', onEcho)
              const t0 = now()
              popup.postMessage(i, provider)
            }),
          )
        }
        return rtts
      } finally {
        popup.close()
      }
    }

    const broadcastFloor = async (count: number): Promise<number[]> => {
      const name = `oauth-connect-floor-${Math.random()}`
      const channel = new BroadcastChannel(name)
      const popup = window.open(
        `/bc-echo?name=${encodeURIComponent(name)}`,
        'oauth-connect-bc-floor',
        'width=500,height=600',
      )
      if (popup === null) throw new Error('the floor popup was blocked')
      try {
        await new Promise<void>((resolve) => {
          channel.onmessage = (event) => {
            if (event.data === 'echo-ready') resolve()
          }
        })
        const rtts: number[] = []
        for (let i = 0; i < count; i += 1) {
          rtts.push(
            await new Promise<number>((resolve) => {
              channel.onmessage = (event) => {
                if (event.data !== `echo-${i}`) return
                resolve(now() - t0)
              }
              const t0 = now()
              channel.postMessage(i)
            }),
          )
        }
        return rtts
      } finally {
        channel.close()
        popup.close()
      }
    }

    // The leak run measures teardown, not navigation: its provider pages are addressed as
    // localhost, the app's own site, so Chromium keeps each popup in the app's process instead of
    // starting one per attempt, and they are loaded directly, without the authorize hop.
    const sameSite = new URL(provider)
    sameSite.hostname = location.hostname
    const local = sameSite.origin

    const leakAttempt = (
      kind: LeakKind,
      lane: number,
      onEvent: (event: unknown) => void,
    ): Promise<Outcome> => {
      // Every other kind settles within a second on an idle machine; a lost signal costs 10 s and
      // shows in the outcome table as a timeout instead of stalling the run for 5 minutes.
      const fast = { pollIntervalMs: 50, timeoutMs: 10_000, onEvent }
      const callback =
        (params: Record<string, string>) =>
        ({ redirectUri }: { redirectUri?: string }) =>
          withParams(redirectUri ?? callbackUrl, params)
      switch (kind) {
        case 'message-success':
        case 'message-failure':
          return run(
            {
              ...fast,
              allowedOrigins: [local],
              getRedirectUrl: () =>
                `${local}/oauth/complete?status_code=${kind === 'message-success' ? 'success' : 'error'}`,
            },
            lane,
          )
        case 'broadcast-cancelled':
          return run(
            {
              ...fast,
              callbackUrl,
              // A slow poll backs the broadcast up: with several popups opening at once, Chromium
              // can drop a fresh popup's BroadcastChannel message, and this run is about teardown.
              channels: [broadcastChannel, pollChannel],
              pollIntervalMs: 250,
              getRedirectUrl: callback({ status_code: 'cancelled', signal: 'broadcast' }),
            },
            lane,
          )
        case 'poll-expired':
          return run(
            {
              ...fast,
              callbackUrl,
              // Every channel, as with a callback page of the toolkit's: the page stays silent.
              channels: ['message', pollChannel, broadcastChannel, 'closed'],
              getRedirectUrl: callback({ status_code: 'expired', signal: 'poll' }),
            },
            lane,
          )
        case 'registered-message':
        case 'registered-broadcast':
        case 'registered-poll':
          // A callback URL registered with the provider: it comes back with only status_code, so
          // the callback page finds its attempt in the sessionStorage cloned at window.open (or,
          // for an attempt that only polls, leaves its page alone for the opener to read).
          return run(
            {
              ...fast,
              callbackUrl: `${callbackUrl}?signal=complete`,
              channels:
                kind === 'registered-message'
                  ? ['message', 'closed']
                  : kind === 'registered-broadcast'
                    ? [broadcastChannel, 'closed']
                    : [pollChannel, 'closed'],
              getRedirectUrl: () =>
                withParams(`${callbackUrl}?signal=complete`, {
                  status_code: kind === 'registered-poll' ? 'expired' : 'success',
                }),
            },
            lane,
          )
        case 'callback-unauthorized':
          // The toolkit's own callback page: completeConnection() posts the envelope to the opener
          // (the channel raced here) and broadcasts it.
          return run(
            {
              ...fast,
              callbackUrl,
              channels: ['message', 'closed'],
              getRedirectUrl: callback({ status_code: 'unauthorized', signal: 'complete' }),
            },
            lane,
          )
        case 'closed':
          return run({ ...fast, getRedirectUrl: () => `${local}/close` }, lane)
        case 'timeout':
          return run({ ...fast, timeoutMs: 150, getRedirectUrl: () => `${local}/idle` }, lane)
        case 'aborted': {
          const controller = new AbortController()
          return run(
            {
              ...fast,
              signal: controller.signal,
              getRedirectUrl: () => `${local}/idle`,
              onEvent: (event: unknown) => {
                if (isRecord(event) && event.type === 'navigated') controller.abort()
              },
            },
            lane,
          )
        }
        case 'redirect-url-rejects':
          return run(
            {
              ...fast,
              getRedirectUrl: () => Promise.reject(new Error('the b.well API is down')),
            },
            lane,
          )
        case 'redirect-url-unsafe':
          return run({ ...fast, getRedirectUrl: () => 'javascript:alert(1)' }, lane)
        case 'blocked':
          return run({ ...fast, getRedirectUrl: () => `${local}/idle` }, lane, true)
      }
    }

    const leaks = async (count: number, lanes: number): Promise<LeakRun> => {
      const outcomes: Record<string, number> = {}
      const msByKind: Record<string, number> = {}
      const unexpected: string[] = []
      const started = now()
      // Lanes run side by side, attempts of different connections interleaved as in a real app;
      // each attempt opens its own window (the toolkit names it after the attempt). The shim only
      // blocks the popups of the 'blocked' kind.
      const rawOpen = window.open
      window.open = (url?: string | URL, target?: string, features?: string) =>
        nextOpen.blocked ? null : rawOpen.call(window, url, target, features)
      let next = 0
      const lane = async (id: number) => {
        while (next < count) {
          const i = next
          next += 1
          const kind = leakKinds[i % leakKinds.length] ?? 'blocked'
          const t0 = now()
          const phases: string[] = []
          const outcome = await leakAttempt(kind, id, (event) => {
            if (isRecord(event) && typeof event.type === 'string')
              phases.push(`${event.type}@${Math.round(now() - t0)}`)
          })
          msByKind[kind] = (msByKind[kind] ?? 0) + now() - t0
          const key = `${kind} → ${outcome.status}/${outcome.channel}`
          outcomes[key] = (outcomes[key] ?? 0) + 1
          if (outcome.status === 'timeout' && kind !== 'timeout' && unexpected.length < 20) {
            unexpected.push(`#${i} lane ${id} ${kind}: ${phases.join(' ')}`)
          }
        }
      }
      try {
        await Promise.all(Array.from({ length: lanes }, (_, id) => lane(id)))
        // The outcome comes first and the teardown in the next task: let the last one run.
        await new Promise((resolve) => setTimeout(resolve, 0))
      } finally {
        window.open = rawOpen
      }
      return { attempts: count, lanes, outcomes, msByKind, unexpected, elapsedMs: now() - started }
    }

    window.bench = { exports: Object.keys(mod).sort(), attempt, floor, broadcastFloor, leaks }
  } catch (error) {
    window.benchError = error instanceof Error ? error.message : String(error)
  }
}
