// `pnpm bench`: runs every benchmark and writes BENCHMARKS.md at the repo root.
// Timings are reported, never judged. The exit code is non-zero only when a size budget is
// exceeded, something is left alive after the leak run, or a benchmark could not run at all.
import { writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, release, type } from 'node:os'
import { join } from 'node:path'
import { startBrowserSession } from './harness/session.mjs'
import { runLatency } from './latency.mjs'
import { runLeaks, runLoginLeaks } from './leaks.mjs'
import { repoRoot } from './lib/paths.mjs'
import { redisFleetSection, runRedisFleet } from './redis-fleet.mjs'
import { runSize } from './size.mjs'
import { runTokenSource } from './token-source.mjs'

const command = '`pnpm bench` (`pnpm --filter ./bench bench`, i.e. `node bench/run.mjs`)'

/**
 * @template T
 * @typedef {{ ok: true, value: T } | { ok: false, error: string }} Result
 */

/**
 * @template T
 * @param {string} name
 * @param {() => Promise<T>} fn
 * @returns {Promise<Result<T>>}
 */
async function attempt(name, fn) {
  const started = performance.now()
  console.log(`── ${name} …`)
  try {
    const value = await fn()
    console.log(`   ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    return { ok: true, value }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    console.error(`   ${name} failed: ${message}`)
    return { ok: false, error: message }
  }
}

/**
 * @param {readonly string[]} header
 * @param {readonly (readonly (string | number)[])[]} rows
 * @returns {string}
 */
function table(header, rows) {
  const line = (/** @type {readonly (string | number)[]} */ cells) =>
    `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** @param {number | null | undefined} n */
const bytes = (n) => (n === null || n === undefined ? '-' : `${n.toLocaleString('en-US')}`)
/** @param {number} n */
const signed = (n) => `${n >= 0 ? '+' : '−'}${Math.abs(n).toLocaleString('en-US')}`
/** @param {number | null | undefined} n */
const ms = (n) => (n === null || n === undefined ? '-' : n.toFixed(1))

const startedAt = new Date()
const loadAtStart = loadavg()[0] ?? 0
const machine = {
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  cores: availableParallelism(),
  node: process.version,
  os: `${type()} ${release()}`,
  chromium: 'not run',
}
const date = `${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`

/**
 * The table every section opens with: where, when and how its numbers were measured.
 * @param {string} alone the command that runs this benchmark on its own
 * @returns {string}
 */
function runTable(alone) {
  return table(
    ['machine', 'date', 'command'],
    [
      [
        `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, Chromium ${machine.chromium}, ${machine.os}`,
        date,
        `${command}; alone: \`${alone}\``,
      ],
    ],
  )
}

const size = await attempt('bundle size', runSize)

/** @type {Result<import('./latency.mjs').LatencyResult>} */
let latency = { ok: false, error: 'not run' }
/** @type {Result<import('./leaks.mjs').LeakResult>} */
let leaks = { ok: false, error: 'not run' }
/** @type {import('./harness/pages/login.ts').LoginStorage[]} */
const loginStorages = ['memory', 'sessionStore']
/** @type {Result<import('./leaks.mjs').LoginLeakResult>[]} */
let loginLeaks = loginStorages.map(() => ({ ok: false, error: 'not run' }))
const session = await attempt('browser', startBrowserSession)
if (session.ok) {
  try {
    machine.chromium = session.value.chromiumVersion
    latency = await attempt('completion-detection latency', () => runLatency(session.value))
    leaks = await attempt('leaks', () => runLeaks(session.value))
    loginLeaks = []
    for (const storage of loginStorages) {
      loginLeaks.push(
        await attempt(`login leaks (${storage})`, () => runLoginLeaks(session.value, { storage })),
      )
    }
  } finally {
    await session.value.close()
  }
} else {
  latency = { ok: false, error: session.error }
  leaks = { ok: false, error: session.error }
  loginLeaks = loginStorages.map(() => ({ ok: false, error: session.error }))
}
const tokens = await attempt('token source', runTokenSource)
const redisFleet = await attempt('token source through Redis', runRedisFleet)

/** @type {string[]} */
const failures = []
const out = [
  '# Benchmarks',
  '',
  `Written by ${command}; do not edit by hand. Timings are measurements on the machine named in`,
  'each table, not promises: run the command again to see them on yours. Only the size budgets and',
  'the zero-leak count can fail the run.',
  '',
]
// The machine may be shared (other processes, CI neighbours); the load says how much timings suffered.
const loadAtEnd = loadavg()[0] ?? 0
out.push(
  `1-minute load average: ${loadAtStart.toFixed(2)} at the start of the run, ${loadAtEnd.toFixed(2)} at the end, on ${machine.cores} cores.`,
  '',
)

// 1. Bundle size
out.push('## 1. Bundle size', '', runTable('node bench/size.mjs'), '')
if (size.ok) {
  const { ours, anchors, settings } = size.value
  out.push(`Settings: ${settings}. Bytes.`, '')
  out.push(
    table(
      ['entry', 'imports', 'min', 'gzip', 'over', 'Δ min', 'Δ gzip', 'budget (gzip)', 'result'],
      ours.map((r) => {
        const measured = r.budgetOf === 'delta' ? r.deltaGzip : r.gzip
        let result = r.ok ? 'ok' : 'FAIL'
        if (r.error !== undefined) result = `FAIL: ${r.error}`
        else if (!r.ok && measured !== undefined) result = `FAIL by ${bytes(measured - r.budget)} B`
        if (!r.ok) failures.push(`size budget "${r.budgetName}": ${result}`)
        return [
          r.label,
          r.imports,
          bytes(r.min),
          bytes(r.gzip),
          r.over ?? '',
          r.over === undefined ? '' : bytes(r.deltaMin),
          r.over === undefined ? '' : bytes(r.deltaGzip),
          `${bytes(r.budget)} (${r.budgetOf})`,
          result,
        ]
      }),
    ),
    '',
    'A Δ is the marginal cost: the bytes the entry adds to a bundle that already holds the entry in',
    '"over" (and everything that one is over), measured as two bundles in the same run.',
    '',
    'Anchors, measured the same way in the same run:',
    '',
    table(
      ['anchor', 'imports', 'min', 'gzip'],
      anchors.map((a) => [
        a.label,
        a.imports,
        a.error === undefined ? bytes(a.min) : `error: ${a.error}`,
        bytes(a.gzip),
      ]),
    ),
    '',
  )
} else {
  failures.push(`bundle size: ${size.error}`)
  out.push(`Could not run: ${size.error}`, '')
}

// 2. Latency
out.push('## 2. Completion-detection latency', '', runTable('node bench/latency.mjs'), '')
if (latency.ok) {
  const l = latency.value
  const pages = {
    message:
      "provider-origin hosted completion page: `window.opener.postMessage('status-success', appOrigin)`",
    poll:
      'app-origin callback page that sends nothing; the app polls `popup.location` every ' +
      `${l.pollIntervalMs} ms (the default)`,
    broadcast:
      "app-origin callback page: the toolkit's envelope on `BroadcastChannel('oauth-connect:<attemptId>')`",
    'bare-message':
      'the same hosted page heard by a plain `message` listener on a plain `window.open`, no toolkit: the floor for a page that signals while it loads',
  }
  out.push(
    table(
      ['channel', 'completion page', 'attempts', 'p50 ms', 'p95 ms', 'max ms', 'not measured'],
      [
        ...l.channels.map((c) => [
          c.channel,
          pages[/** @type {keyof typeof pages} */ (c.channel)] ?? '',
          c.ms.n,
          ms(c.ms.p50),
          ms(c.ms.p95),
          ms(c.ms.max),
          c.failures.length === 0
            ? '0'
            : `${c.failures.length}: ${c.failures.slice(0, 3).join('; ')}`,
        ]),
        [
          'floor',
          'bare `postMessage` round trip, app window → provider-origin popup → app window',
          l.floor.ms.n,
          ms(l.floor.ms.p50),
          ms(l.floor.ms.p95),
          ms(l.floor.ms.max),
          '0',
        ],
        [
          'broadcast floor',
          'bare `BroadcastChannel` round trip, app window → app-origin popup → app window',
          l.broadcastFloor.ms.n,
          ms(l.broadcastFloor.ms.p50),
          ms(l.broadcastFloor.ms.p95),
          ms(l.broadcastFloor.ms.max),
          '0',
        ],
      ],
    ),
    '',
    "From the completion page's signal (`performance.timeOrigin + performance.now()` just before the",
    '`postMessage` or BroadcastChannel send, or in the `load` event for polling) to the moment the',
    "app's `await connectProvider(…)` resumes with a `success` outcome from that channel. Each attempt",
    'races only the channel measured. The app is served as `http://localhost:<port>` and the provider',
    'as `http://127.0.0.1:<port>` (two node:http servers on 127.0.0.1), so the windows are cross-site',
    'as in development; the popup goes through a 302 on the provider origin first. Channels take turns,',
    'after 3 unmeasured warm-up attempts each; percentiles by nearest rank. The poll figure is mostly',
    'where the load falls in the polling interval.',
    '',
  )
} else {
  failures.push(`latency: ${latency.error}`)
  out.push(`Could not run: ${latency.error}`, '')
}

// 3. Leaks
out.push('## 3. Leaks', '', runTable('node bench/leaks.mjs'), '')
if (leaks.ok) {
  const k = leaks.value
  if (!k.ok) failures.push(`leaks: ${k.aliveTotal} left alive`)
  out.push(
    table(
      [
        'attempts',
        'side by side',
        'live listeners',
        'live timeouts',
        'live intervals',
        'open BroadcastChannels',
        'JS heap used before',
        `after ${bytes(Math.floor(k.run.attempts / 2))}`,
        `after ${bytes(k.run.attempts)}`,
        'result',
      ],
      [
        [
          k.run.attempts,
          k.run.lanes,
          k.alive.listeners,
          k.alive.timeouts,
          k.alive.intervals,
          k.alive.broadcastChannels,
          `${bytes(k.heapBefore.usedSize)} B`,
          `${bytes(k.heapMid.usedSize)} B`,
          `${bytes(k.heapAfter.usedSize)} B`,
          k.ok
            ? 'ok (0 alive)'
            : `FAIL (${k.aliveTotal} alive: ${JSON.stringify(k.alive.listenersByTarget)})`,
        ],
      ],
    ),
    '',
    `Registered during the run and released by its end: ${k.alive.registered.listeners} listeners,`,
    `${k.alive.registered.timeouts} timeouts, ${k.alive.registered.intervals} intervals,`,
    `${k.alive.registered.broadcastChannels} BroadcastChannels. Counted by an init script wrapping`,
    '`addEventListener`/`removeEventListener`, `setTimeout`/`clearTimeout`, `setInterval`/`clearInterval`',
    'and `BroadcastChannel` construction/`close`, from the start of the run to the moment the last',
    `attempt settled; before the run, one deliberately leaked item of each kind read as alive`,
    `(self-check ${k.selfCheck ? 'passed' : 'FAILED'}). Heap: CDP \`HeapProfiler.collectGarbage\` then \`Runtime.getHeapUsage\`, after ${k.warmup}`,
    `warm-up attempts, after half the attempts and after all of them: ${signed(k.heapMid.usedSize - k.heapBefore.usedSize)} B over the first half, ${signed(k.heapAfter.usedSize - k.heapMid.usedSize)} B over the second. The whole run took ${(k.run.elapsedMs / 1000).toFixed(1)} s.`,
    '',
    'Outcomes (kind of attempt → status/channel):',
    '',
    table(
      ['kind → outcome', 'attempts'],
      Object.entries(k.run.outcomes)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, n]) => [key, n]),
    ),
    '',
    'Every kind but `timeout` runs with `timeoutMs: 10000` and `pollIntervalMs: 50`, so a signal that',
    'never arrives shows as a `timeout` row. The `broadcast-cancelled` kind races broadcast and poll:',
    'in bare pages without the toolkit, with three popups loading at once, Chromium 156 on this',
    'machine never delivered the BroadcastChannel messages of 5 to 10 in 60 freshly loaded',
    'same-origin popups (on every channel those popups posted to, even 300 ms after load), and lost',
    'none in 60 with one popup at a time (five runs on 2026-11-22, outside this run). A',
    '`cancelled/poll` row counts attempts whose callback URL the poll saw first, message or not.',
    '',
  )
  if (k.run.unexpected.length > 0) {
    out.push(
      'Attempts that timed out although their kind should not (first 20; phases in ms from the start):',
      '',
      ...k.run.unexpected.map((u) => `- ${u}`),
      '',
    )
  }
} else {
  failures.push(`leaks: ${leaks.error}`)
  out.push(`Could not run: ${leaks.error}`, '')
}

// 3b. Leaks of the login client
out.push('### Sign-in, refresh and sign-out (`@oauth-connect/core/login`)', '')
/** @param {import('./harness/pages/instrument.ts').LeakSnapshot} a */
const aliveCell = (a) =>
  `${a.listeners} / ${a.timeouts} / ${a.intervals} / ${a.broadcastChannels}${
    a.listeners > 0 ? ` (${JSON.stringify(a.listenersByTarget)})` : ''
  }`
/** @type {import('./leaks.mjs').LoginLeakResult[]} */
const loginRuns = []
/** @type {(string | number)[][]} */
const loginRows = []
for (const [i, result] of loginLeaks.entries()) {
  const storage = loginStorages[i] ?? ''
  if (!result.ok) {
    failures.push(`login leaks (${storage}): ${result.error}`)
    loginRows.push([storage, 'could not run', result.error, '', '', '', '', '', '', 'FAIL'])
    continue
  }
  const l = result.value
  loginRuns.push(l)
  /** @type {string[]} */
  const why = []
  if (l.aliveTotal !== l.alive.broadcastChannels) why.push(`${l.aliveTotal} alive after the cycles`)
  if (l.alive.registered.broadcastChannels > l.expectedAlive.broadcastChannels) {
    why.push(`${l.alive.registered.broadcastChannels} BroadcastChannels opened`)
  }
  if (l.aliveAfterCloseTotal > 0) why.push(`${l.aliveAfterCloseTotal} alive after close()`)
  if (l.run.failed > 0) why.push(`${l.run.failed} cycles failed`)
  if (l.serverMismatches.length > 0) why.push(`server: ${l.serverMismatches.join(', ')}`)
  if (!l.selfCheck) why.push('self-check failed')
  if (!l.ok) failures.push(`login leaks (${storage}): ${why.join('; ')}`)
  loginRows.push([
    `\`${storage}\``,
    l.run.cycles,
    aliveCell(l.alive),
    `≤ 0 / 0 / 0 / ${l.expectedAlive.broadcastChannels}`,
    aliveCell(l.aliveAfterClose),
    `${bytes(l.heapBefore.usedSize)} B`,
    `${bytes(l.heapMid.usedSize)} B`,
    `${bytes(l.heapAfter.usedSize)} B`,
    `${bytes(l.heapClosed.usedSize)} B`,
    l.ok ? 'ok (0 alive after close())' : `FAIL (${why.join('; ')})`,
  ])
}
out.push(
  table(
    [
      'storage',
      'cycles',
      'alive after the cycles: listeners / timeouts / intervals / BroadcastChannels',
      'expected',
      'alive after `close()`',
      'JS heap used before',
      'after half',
      'after all',
      'after `close()`',
      'result',
    ],
    loginRows,
  ),
  '',
)
const firstLogin = loginRuns[0]
if (firstLogin !== undefined) {
  out.push(
    'One client of `createLoginClient(fixedEndpoints(…), { allowInsecureLoopback: true, navigate, … })`,',
    `created after the count started, runs the cycles one after another, after ${firstLogin.warmup} warm-up cycles in a`,
    'client of its own. A cycle: `login()` in redirect mode, its `navigate` keeping the authorization URL;',
    "a `fetch` of that URL from the harness's authorization server on the provider origin, which answers",
    'JSON (`code`, `state`, `iss`) in place of a consent page; `handleCallback(redirectUri?code&state&iss)`,',
    'which exchanges the code (PKCE S256 checked by the server); `client.fetch(resource)`, which the',
    "resource refuses with 401 `invalid_token` for the code grant's token, so the client refreshes and",
    'retries; `getAccessToken()`, whose refreshed token expires in 1 s, inside the 60 s leeway, so it',
    'refreshes again (refresh tokens rotate: a replay would fail the cycle); `logout()`, which revokes the',
    'refresh token. The server counted, per run: ' +
      loginRuns
        .map(
          (l) =>
            `\`${l.storage}\` ${l.server.authorized} codes issued, ${l.server.codesRedeemed} redeemed, ${l.server.refreshed} refreshes, ${l.server.resourceChallenged} 401s and ${l.server.resourceOk} 200s from the resource, ${l.server.revoked} revocations, ${l.server.refused} refusals, ${l.server.liveGrants} grants left`,
        )
        .join('; ') +
      '.',
    '',
    `Expected alive after the cycles: at most the client's own BroadcastChannel to its other tabs,`,
    'opened once when the client was created (it carries sign-outs with either storage, and with',
    '`sessionStore` the rotated sessions too), and nothing else; after `close()`, nothing. Registered',
    'during the runs (all released by `close()`): ' +
      loginRuns
        .map(
          (l) =>
            `\`${l.storage}\` ${l.alive.registered.listeners} listeners, ${l.alive.registered.timeouts} timeouts, ${l.alive.registered.intervals} intervals, ${l.alive.registered.broadcastChannels} BroadcastChannel`,
        )
        .join('; ') +
      '. Heap as above, after half the cycles, after all of them (client open) and after `close()`: ' +
      loginRuns
        .map(
          (l) =>
            `\`${l.storage}\` ${signed(l.heapMid.usedSize - l.heapBefore.usedSize)} B over the first half, ${signed(l.heapAfter.usedSize - l.heapMid.usedSize)} B over the second, ${signed(l.heapClosed.usedSize - l.heapAfter.usedSize)} B at \`close()\` (${bytes(Math.round((l.heapAfter.usedSize - l.heapClosed.usedSize) / l.run.cycles))} B per cycle held by the open client), ${(l.run.elapsedMs / 1000).toFixed(1)} s in all`,
        )
        .join('; ') +
      '. A failed cycle, or a server count that differs from one per cycle (two refreshes), fails the run.',
    '',
  )
  for (const l of loginRuns) {
    if (l.run.failures.length > 0) {
      out.push(
        `Failed cycles with \`${l.storage}\` (first 20):`,
        '',
        ...l.run.failures.map((f) => `- ${f}`),
        '',
      )
    }
  }
}

// 4. Token source
out.push('## 4. Server token source', '', runTable('node bench/token-source.mjs'), '')
if (tokens.ok) {
  const t = tokens.value
  out.push(
    table(
      ['measure', 'value'],
      [
        [
          `cached \`getToken()\` calls per second (awaited one after another; median of ${t.cachedPerSecond.runs.length} runs of ${t.cachedPerSecond.seconds} s)`,
          `${bytes(t.cachedPerSecond.median)} (runs: ${t.cachedPerSecond.runs.map(bytes).join(', ')})`,
        ],
        [
          `token requests made by ${bytes(t.cold.calls)} concurrent cold \`getToken()\` calls`,
          `${t.cold.requests} (all settled in ${ms(t.cold.ms)} ms with ${t.cold.distinctTokens} distinct token)`,
        ],
      ],
    ),
    '',
    "`createTokenSource({ tokenEndpoint, auth: 'client_secret_post', … })` from `@oauth-connect/server`",
    '(bundled from source for Node) against a node:http token endpoint on 127.0.0.1:0 that counts',
    'requests and answers `expires_in: 3600`.',
    '',
  )
} else {
  failures.push(`token source: ${tokens.error}`)
  out.push(`Could not run: ${tokens.error}`, '')
}

// 5. Token source through Redis
out.push(...redisFleetSection(redisFleet, { table, runTable, failures }))

const file = join(repoRoot, 'BENCHMARKS.md')
writeFileSync(file, `${out.join('\n').trimEnd()}\n`)
console.log(`\nwrote ${file}`)
if (failures.length > 0) {
  console.error(`\n${failures.length} failing:\n${failures.map((f) => `  ${f}`).join('\n')}`)
  process.exitCode = 1
}
