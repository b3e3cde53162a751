// Completion-detection latency per channel, in Chromium: from the completion page's signal to the
// moment the app's `await connectProvider(…)` resumes with the outcome. Run alone with
// `node bench/latency.mjs` (prints JSON).

import { openApp, popupsClosed, startBrowserSession } from './harness/session.mjs'
import { isMain } from './lib/paths.mjs'
import { summarize } from './lib/stats.mjs'

/** @typedef {import('./harness/pages/app.ts').LatencyChannel} LatencyChannel */

/** @type {readonly LatencyChannel[]} */
export const channels = ['message', 'poll', 'broadcast', 'bare-message']

/**
 * @typedef {object} LatencyOptions
 * @property {number} [attempts] per channel, default 50
 * @property {number} [warmup] unmeasured attempts per channel first, default 3
 * @property {number} [pollIntervalMs] the poll channel's interval, default 500 (the toolkit's default)
 */

/**
 * @typedef {object} ChannelLatency
 * @property {string} channel
 * @property {number} attempts
 * @property {import('./lib/stats.mjs').Summary} ms
 * @property {string[]} failures attempts that did not settle as success on this channel
 */

/**
 * @typedef {object} LatencyResult
 * @property {ChannelLatency[]} channels
 * @property {{ roundTrips: number, ms: import('./lib/stats.mjs').Summary }} floor bare `postMessage`
 *   round trips, app window → provider-origin popup → app window
 * @property {{ roundTrips: number, ms: import('./lib/stats.mjs').Summary }} broadcastFloor bare
 *   BroadcastChannel round trips, app window → app-origin popup → app window
 * @property {number} pollIntervalMs
 */

/**
 * @param {import('./harness/session.mjs').BrowserSession} session
 * @param {LatencyOptions} [options]
 * @returns {Promise<LatencyResult>}
 */
export async function runLatency(session, options = {}) {
  const { attempts = 50, warmup = 3, pollIntervalMs = 500 } = options
  const context = await session.browser.newContext()
  try {
    /** @type {Map<string, number>} */
    const signals = new Map()
    await context.exposeBinding('__benchSignal', (_source, payload) => {
      if (typeof payload === 'object' && payload !== null) {
        const { run, t } = /** @type {{ run?: unknown, t?: unknown }} */ (payload)
        if (typeof run === 'string' && typeof t === 'number') signals.set(run, t)
      }
    })
    const page = await openApp(context, session.appUrl)

    /**
     * @param {LatencyChannel} channel
     * @param {string} run
     * @returns {Promise<number | string>} the latency, or why there is none
     */
    const measureOne = async (channel, run) => {
      const result = await page.evaluate(
        ([c, r, ms]) => {
          if (!window.bench) throw new Error('window.bench is not installed')
          return window.bench.attempt(c, r, ms)
        },
        /** @type {const} */ ([channel, run, pollIntervalMs]),
      )
      await popupsClosed(context, page)
      // The binding call is in flight from the popup; give it a moment to land.
      for (let i = 0; i < 100 && !signals.has(run); i += 1)
        await new Promise((r) => setTimeout(r, 10))
      const signalAt = signals.get(run)
      if (result.status !== 'success' || result.channel !== channel) {
        return `${run}: settled as ${result.status}/${result.channel}`
      }
      if (signalAt === undefined) return `${run}: no signal time from the completion page`
      return result.settledAt - signalAt
    }

    for (let i = 0; i < warmup; i += 1) {
      for (const channel of channels) await measureOne(channel, `warmup-${channel}-${i}`)
    }
    /** @type {Map<string, number[]>} */
    const samples = new Map(channels.map((c) => [c, []]))
    /** @type {Map<string, string[]>} */
    const failures = new Map(channels.map((c) => [c, []]))
    // Round-robin, so machine noise spreads evenly over the channels.
    for (let i = 0; i < attempts; i += 1) {
      for (const channel of channels) {
        const value = await measureOne(channel, `${channel}-${i}`)
        if (typeof value === 'number') samples.get(channel)?.push(value)
        else failures.get(channel)?.push(value)
      }
    }

    const rtts = await page.evaluate((n) => {
      if (!window.bench) throw new Error('window.bench is not installed')
      return window.bench.floor(n)
    }, attempts + warmup)
    await popupsClosed(context, page)
    const bcRtts = await page.evaluate((n) => {
      if (!window.bench) throw new Error('window.bench is not installed')
      return window.bench.broadcastFloor(n)
    }, attempts + warmup)
    await popupsClosed(context, page)

    return {
      channels: channels.map((channel) => ({
        channel,
        attempts,
        ms: summarize(samples.get(channel) ?? []),
        failures: failures.get(channel) ?? [],
      })),
      floor: { roundTrips: attempts, ms: summarize(rtts.slice(warmup)) },
      broadcastFloor: { roundTrips: attempts, ms: summarize(bcRtts.slice(warmup)) },
      pollIntervalMs,
    }
  } finally {
    await context.close()
  }
}

if (isMain(import.meta.url)) {
  const session = await startBrowserSession()
  try {
    console.log(JSON.stringify(await runLatency(session), null, 2))
  } finally {
    await session.close()
  }
}
