// Leaks: many attempts with mixed outcomes through connectProvider in one page, then a count of
// what is still alive (listeners, timeouts, intervals, BroadcastChannels; must be 0) and the JS
// heap before and after, each after a forced GC. Then the same for the login client: sign-in,
// refresh and sign-out cycles in one client, with memory and with sessionStore storage.
// Run alone with `node bench/leaks.mjs`.
import { instrumentScript } from './harness/bundles.mjs'
import { openApp, popupsClosed, startBrowserSession } from './harness/session.mjs'
import { isMain } from './lib/paths.mjs'

/**
 * @typedef {object} Heap
 * @property {number} usedSize bytes
 * @property {number} totalSize bytes
 */

/**
 * @typedef {object} LeakResult
 * @property {import('./harness/pages/app.ts').LeakRun} run
 * @property {import('./harness/pages/instrument.ts').LeakSnapshot} alive
 * @property {number} aliveTotal listeners + timeouts + intervals + BroadcastChannels
 * @property {Heap} heapBefore
 * @property {Heap} heapMid after the first half of the attempts
 * @property {Heap} heapAfter
 * @property {number} warmup attempts before the count started
 * @property {boolean} selfCheck the instrument saw one deliberately leaked item of each kind
 * @property {boolean} ok
 */

/**
 * @param {import('./harness/pages/app.ts').LeakRun} a
 * @param {import('./harness/pages/app.ts').LeakRun} b
 * @returns {import('./harness/pages/app.ts').LeakRun}
 */
function mergeRuns(a, b) {
  /**
   * @param {Record<string, number>} x
   * @param {Record<string, number>} y
   */
  const add = (x, y) => {
    /** @type {Record<string, number>} */
    const sum = { ...x }
    for (const [k, v] of Object.entries(y)) sum[k] = (sum[k] ?? 0) + v
    return sum
  }
  return {
    attempts: a.attempts + b.attempts,
    lanes: a.lanes,
    outcomes: add(a.outcomes, b.outcomes),
    msByKind: add(a.msByKind, b.msByKind),
    unexpected: [...a.unexpected, ...b.unexpected].slice(0, 20),
    elapsedMs: a.elapsedMs + b.elapsedMs,
  }
}

/**
 * Proves the count can fail: one listener, timeout, interval and channel left alive must read as
 * four, and zero once released.
 * @param {import('@playwright/test').Page} page
 * @returns {Promise<boolean>}
 */
function instrumentSelfCheck(page) {
  return page.evaluate(() => {
    const leaks = window.__leaks
    if (!leaks) throw new Error('the leak instrument is not installed')
    leaks.start()
    const listener = () => {}
    addEventListener('message', listener)
    const timeout = setTimeout(() => {}, 60_000)
    const interval = setInterval(() => {}, 60_000)
    const channel = new BroadcastChannel('oauth-connect-bench-self-check')
    const alive = leaks.snapshot()
    removeEventListener('message', listener)
    clearTimeout(timeout)
    clearInterval(interval)
    channel.close()
    const released = leaks.snapshot()
    const total = (/** @type {import('./harness/pages/instrument.ts').LeakSnapshot} */ s) =>
      s.listeners + s.timeouts + s.intervals + s.broadcastChannels
    return (
      alive.listeners === 1 &&
      alive.timeouts === 1 &&
      alive.intervals === 1 &&
      alive.broadcastChannels === 1 &&
      total(released) === 0
    )
  })
}

/**
 * @param {import('./harness/session.mjs').BrowserSession} session
 * @param {{ attempts?: number, warmup?: number, lanes?: number }} [options]
 * @returns {Promise<LeakResult>}
 */
export async function runLeaks(session, options = {}) {
  const { attempts = 1000, warmup = 11, lanes = 3 } = options
  const context = await session.browser.newContext()
  try {
    await context.addInitScript({ content: await instrumentScript() })
    const page = await openApp(context, session.appUrl)
    const cdp = await context.newCDPSession(page)
    /** @returns {Promise<Heap>} */
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage')
      const { usedSize, totalSize } = await cdp.send('Runtime.getHeapUsage')
      return { usedSize, totalSize }
    }
    /**
     * @param {number} n
     * @returns {Promise<import('./harness/pages/app.ts').LeakRun>}
     */
    const runAttempts = (n) =>
      page.evaluate(
        ([count, l]) => {
          if (!window.bench) throw new Error('window.bench is not installed')
          return window.bench.leaks(count, l)
        },
        /** @type {const} */ ([n, lanes]),
      )

    // One round of every kind first, so lazily compiled code and caches are not counted as growth.
    await runAttempts(warmup)
    await popupsClosed(context, page)
    const selfCheck = await instrumentSelfCheck(page)
    const heapBefore = await heap()
    await page.evaluate(() => {
      if (!window.__leaks) throw new Error('the leak instrument is not installed')
      window.__leaks.start()
    })
    // Two halves with a heap reading between them: growth that repeats per half is per attempt.
    const first = await runAttempts(Math.floor(attempts / 2))
    await popupsClosed(context, page)
    const heapMid = await heap()
    const second = await runAttempts(attempts - first.attempts)
    const run = mergeRuns(first, second)
    // Counted the moment the last attempt settled: settling must already have torn it all down.
    const alive = await page.evaluate(() => {
      if (!window.__leaks) throw new Error('the leak instrument is not installed')
      return window.__leaks.snapshot()
    })
    await popupsClosed(context, page)
    const heapAfter = await heap()
    await cdp.detach()
    const aliveTotal = alive.listeners + alive.timeouts + alive.intervals + alive.broadcastChannels
    return {
      run,
      alive,
      aliveTotal,
      heapBefore,
      heapMid,
      heapAfter,
      warmup,
      selfCheck,
      ok: aliveTotal === 0 && selfCheck,
    }
  } finally {
    await context.close()
  }
}

/**
 * @typedef {object} LoginLeakResult
 * @property {import('./harness/pages/login.ts').LoginStorage} storage
 * @property {import('./harness/pages/login.ts').LoginLeakRun} run
 * @property {import('./harness/pages/instrument.ts').LeakSnapshot} alive after the last cycle, the client still open
 * @property {number} aliveTotal
 * @property {{ broadcastChannels: number }} expectedAlive the most that may be alive after the
 *   cycles: the client's own BroadcastChannel to its other tabs (opened once, when it was created;
 *   it carries sign-outs with either storage), and nothing else
 * @property {import('./harness/pages/instrument.ts').LeakSnapshot} aliveAfterClose after `close()`; must be all 0
 * @property {number} aliveAfterCloseTotal
 * @property {import('./harness/server.mjs').AuthServerStats} server what the authorization server
 *   did during the counted cycles
 * @property {string[]} serverMismatches the server's counts that differ from one sign-in, code
 *   exchange, two refreshes, one 401 and one 200 and one revocation per cycle
 * @property {Heap} heapBefore
 * @property {Heap} heapMid after the first half of the cycles
 * @property {Heap} heapAfter after all of them, the client still open
 * @property {Heap} heapClosed after `close()`
 * @property {number} warmup cycles before the count started, in a client of their own
 * @property {boolean} selfCheck
 * @property {boolean} ok nothing unexpected alive, nothing alive after close, no failed cycle, the
 *   server saw every step of every cycle
 */

/** @param {import('./harness/pages/instrument.ts').LeakSnapshot} s */
const totalOf = (s) => s.listeners + s.timeouts + s.intervals + s.broadcastChannels

/**
 * Sign-in cycles through one login client of `@oauth-connect/core/login`, created after the count
 * started, then what is alive with the client open and after its `close()`.
 * @param {import('./harness/session.mjs').BrowserSession} session
 * @param {{ storage?: import('./harness/pages/login.ts').LoginStorage, cycles?: number, warmup?: number }} [options]
 * @returns {Promise<LoginLeakResult>}
 */
export async function runLoginLeaks(session, options = {}) {
  const { storage = 'memory', cycles = 1000, warmup = 10 } = options
  const auth = session.harness.authServer
  const context = await session.browser.newContext()
  try {
    await context.addInitScript({ content: await instrumentScript() })
    const page = await openApp(context, session.loginUrl, 'loginBench')
    const cdp = await context.newCDPSession(page)
    /** @returns {Promise<Heap>} */
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage')
      const { usedSize, totalSize } = await cdp.send('Runtime.getHeapUsage')
      return { usedSize, totalSize }
    }
    /**
     * @param {number} n
     * @returns {Promise<import('./harness/pages/login.ts').LoginLeakRun>}
     */
    const runCycles = (n) =>
      page.evaluate((count) => {
        if (!window.loginBench) throw new Error('window.loginBench is not installed')
        return window.loginBench.cycles(count)
      }, n)
    /** @returns {Promise<import('./harness/pages/instrument.ts').LeakSnapshot>} */
    const snapshot = () =>
      page.evaluate(() => {
        if (!window.__leaks) throw new Error('the leak instrument is not installed')
        return window.__leaks.snapshot()
      })

    // Warm-up in a client of its own, closed before the count starts.
    await page.evaluate((s) => window.loginBench?.open(s), storage)
    const warm = await runCycles(warmup)
    if (warm.failed > 0) throw new Error(`warm-up cycles failed: ${warm.failures.join('; ')}`)
    await page.evaluate(() => window.loginBench?.close())
    const selfCheck = await instrumentSelfCheck(page)
    const heapBefore = await heap()
    auth.reset()
    // The measured client is created after start(), so its own channel is counted too.
    await page.evaluate((s) => {
      if (!window.__leaks || !window.loginBench) throw new Error('the login page is not ready')
      window.__leaks.start()
      window.loginBench.open(s)
    }, storage)
    const first = await runCycles(Math.floor(cycles / 2))
    const heapMid = await heap()
    const second = await runCycles(cycles - first.cycles)
    // Counted the moment the last logout() resolved.
    const alive = await snapshot()
    const heapAfter = await heap()
    await page.evaluate(() => window.loginBench?.close())
    const aliveAfterClose = await snapshot()
    const heapClosed = await heap()
    await cdp.detach()
    const server = auth.stats()

    /** @type {import('./harness/pages/login.ts').LoginLeakRun} */
    const run = {
      cycles: first.cycles + second.cycles,
      failed: first.failed + second.failed,
      failures: [...first.failures, ...second.failures].slice(0, 20),
      elapsedMs: first.elapsedMs + second.elapsedMs,
    }
    /** @type {[keyof import('./harness/server.mjs').AuthServerStats, number][]} */
    const expected = [
      ['authorized', cycles],
      ['codesRedeemed', cycles],
      ['refreshed', 2 * cycles],
      ['resourceChallenged', cycles],
      ['resourceOk', cycles],
      ['revoked', cycles],
      ['refused', 0],
      ['liveCodes', 0],
      ['liveGrants', 0],
    ]
    const serverMismatches = expected
      .filter(([key, n]) => server[key] !== n)
      .map(([key, n]) => `${key} ${JSON.stringify(server[key])}, expected ${n}`)
    const expectedAlive = { broadcastChannels: 1 }
    const aliveTotal = totalOf(alive)
    const aliveAfterCloseTotal = totalOf(aliveAfterClose)
    return {
      storage,
      run,
      alive,
      aliveTotal,
      expectedAlive,
      aliveAfterClose,
      aliveAfterCloseTotal,
      server,
      serverMismatches,
      heapBefore,
      heapMid,
      heapAfter,
      heapClosed,
      warmup,
      selfCheck,
      ok:
        aliveTotal === alive.broadcastChannels &&
        // One channel for the client's life, not one per cycle.
        alive.registered.broadcastChannels <= expectedAlive.broadcastChannels &&
        aliveAfterCloseTotal === 0 &&
        run.failed === 0 &&
        serverMismatches.length === 0 &&
        selfCheck,
    }
  } finally {
    await context.close()
  }
}

if (isMain(import.meta.url)) {
  const session = await startBrowserSession()
  try {
    const result = await runLeaks(session)
    console.log(JSON.stringify(result, null, 2))
    let ok = result.ok
    for (const storage of /** @type {const} */ (['memory', 'sessionStore'])) {
      const login = await runLoginLeaks(session, { storage })
      console.log(JSON.stringify(login, null, 2))
      ok &&= login.ok
    }
    process.exitCode = ok ? 0 : 1
  } finally {
    await session.close()
  }
}
