// Bundle sizes of our public entry points and of the anchors, measured the same way in one run.
// Run alone: `node bench/size.mjs` (prints JSON). `node bench/run.mjs` renders it into BENCHMARKS.md.
import { gzipSync } from 'node:zlib'
import { bundle, entrySource, externals, measure, requireExports } from './lib/bundle.mjs'
import { isMain } from './lib/paths.mjs'

/**
 * @typedef {import('./lib/bundle.mjs').ImportSpec} ImportSpec
 * @typedef {object} OurEntry
 * @property {string} id
 * @property {string} label
 * @property {readonly ImportSpec[]} specs
 * @property {string} [over] id of the entry this one is also reported as a delta over
 * @property {number} budget gzip bytes, of the total or (with `over`) of the delta
 * @property {string} budgetName
 * @property {readonly string[]} [bundled] bare imports bundled into this entry instead of left external
 */

/**
 * gzip bytes of the b.well client entry: measured 19 095 B on 2026-11-29, of which graphql's
 * parser, lexer and printer (imported statically by graphql-request) are most; 20 KiB leaves ~7 %.
 */
const BWELL_BUDGET = 20480

/**
 * gzip bytes SMART App Launch adds over the login entry (the smart-configuration check, the launch
 * context and the client wrapper): measured 1 651 B on 2026-11-29; 1 792 B leaves ~8 %.
 */
const SMART_BUDGET = 1792

/**
 * gzip bytes DPoP adds over the login client (the key store, the proofs, the token and resource
 * transports): measured 1 300 B on 2026-11-29; 1 472 B leaves ~13 %.
 */
const DPOP_BUDGET = 1472

/** @type {readonly OurEntry[]} */
export const ourEntries = [
  {
    id: 'connection',
    label: 'connection flow',
    specs: [
      { from: '@oauth-connect/core/connect', names: ['connectProvider', 'completeConnection'] },
    ],
    budget: 3072,
    budgetName: 'connection entry',
  },
  {
    id: 'login',
    label: 'login client (oauth4webapi included)',
    specs: [{ from: '@oauth-connect/core/login', names: ['createLoginClient'] }],
    budget: 10240,
    budgetName: 'login entry with oauth4webapi',
  },
  {
    // SMART App Launch over the login client: what an app adds by importing it.
    id: 'smart',
    label: 'SMART App Launch (over the login client)',
    specs: [{ from: '@oauth-connect/core/smart', names: ['createSmartClient'] }],
    over: 'login',
    budget: SMART_BUDGET,
    budgetName: 'SMART over the login client',
  },
  {
    // DPoP over the login client: what an app adds by passing `dpop()`.
    id: 'dpop',
    label: 'DPoP (over the login client)',
    specs: [{ from: '@oauth-connect/core/dpop', names: ['dpop'] }],
    over: 'login',
    budget: DPOP_BUDGET,
    budgetName: 'DPoP over the login client',
  },
  {
    id: 'hooks',
    label: 'hooks',
    specs: [{ from: '@oauth-connect/react', names: ['useConnectProvider'] }],
    over: 'connection',
    budget: 3072,
    budgetName: 'hooks over the core',
  },
  {
    id: 'button',
    label: '<ConnectProviderButton>',
    specs: [{ from: '@oauth-connect/ui', names: ['ConnectProviderButton'] }],
    over: 'hooks',
    budget: 2048,
    budgetName: 'button over the hooks',
  },
  {
    // What an app pays for the b.well client alone: graphql-request and the parts of graphql it
    // pulls in (the parser and printer it imports statically) are bundled, not external.
    id: 'bwell',
    label: 'b.well client (graphql-request and graphql included)',
    specs: [{ from: '@oauth-connect/react/bwell', names: ['createBwellClient'] }],
    bundled: ['graphql', 'graphql-request'],
    budget: BWELL_BUDGET,
    budgetName: 'b.well client with graphql-request and graphql',
  },
]

/**
 * @typedef {object} Anchor
 * @property {string} label
 * @property {readonly ImportSpec[]} specs
 */

/** @type {readonly Anchor[]} */
const fixedAnchors = [
  { label: 'oidc-client-ts 3.5.0', specs: [{ from: 'oidc-client-ts', names: ['UserManager'] }] },
  {
    label: 'react-oidc-context 3.3.1 (oidc-client-ts included)',
    specs: [{ from: 'react-oidc-context', names: ['AuthProvider', 'useAuth'] }],
  },
  {
    label: 'react-oauth2-code-pkce 1.24.0',
    specs: [{ from: 'react-oauth2-code-pkce', names: ['AuthProvider'] }],
  },
  {
    label: '@nangohq/frontend 0.71.10',
    specs: [{ from: '@nangohq/frontend', names: ['default'] }],
  },
  {
    label: '@azure/msal-browser 5.29.0',
    specs: [{ from: '@azure/msal-browser', names: ['PublicClientApplication'] }],
  },
  { label: 'oauth4webapi 3.8.8, whole', specs: [{ from: 'oauth4webapi', names: '*' }] },
]

/**
 * The names the login client imports from oauth4webapi at run time: the login entry is bundled
 * with oauth4webapi external and without minifying, and the import statement esbuild keeps lists
 * exactly the values reached from `createLoginClient` (type-only imports are already erased).
 * @returns {Promise<string[]>}
 */
export async function loginOauth4webapiNames() {
  const login = ourEntries.find((e) => e.id === 'login')
  if (login === undefined) throw new Error('no login entry')
  await requireSpecs(login.specs)
  const { text } = await bundle({
    contents: `export { createLoginClient } from '@oauth-connect/core/login'`,
    minify: false,
    external: ['oauth4webapi'],
  })
  /** @type {Set<string>} */
  const names = new Set()
  const importRe = /import\s*(?:\*\s*as\s*([\w$]+)|\{([^}]*)\})\s*from\s*["']oauth4webapi["']/g
  for (const m of text.matchAll(importRe)) {
    const namespace = m[1]
    const list = m[2]
    if (list !== undefined) {
      for (const part of list.split(',')) {
        const name = part.trim().split(/\s+as\s+/)[0]
        if (name) names.add(name)
      }
    }
    if (namespace !== undefined) {
      const escaped = namespace.replace(/\$/g, '\\$')
      for (const use of text.matchAll(new RegExp(`\\b${escaped}\\.([\\w$]+)`, 'g'))) {
        if (use[1] !== undefined) names.add(use[1])
      }
    }
  }
  return [...names].sort()
}

/**
 * @param {readonly ImportSpec[]} specs
 * @returns {Promise<void>}
 */
async function requireSpecs(specs) {
  for (const spec of specs) {
    if (spec.names !== '*') await requireExports(spec.from, spec.names)
  }
}

/**
 * The specs of an entry plus everything it is measured over, so a delta is the marginal cost of
 * adding the entry to a bundle that already holds its base.
 * @param {string} id
 * @returns {ImportSpec[]}
 */
function withBase(id) {
  const entry = ourEntries.find((e) => e.id === id)
  if (entry === undefined) throw new Error(`unknown entry ${id}`)
  return [...(entry.over === undefined ? [] : withBase(entry.over)), ...entry.specs]
}

/**
 * Like `measure`, with some of the shared externals bundled in.
 * @param {readonly ImportSpec[]} specs
 * @param {readonly string[]} bundled
 * @returns {Promise<import('./lib/bundle.mjs').Size>}
 */
async function measureBundled(specs, bundled) {
  const { code } = await bundle({
    contents: entrySource(specs),
    external: externals.filter((name) => !bundled.includes(name)),
  })
  return { min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength }
}

/**
 * @typedef {object} OurSize
 * @property {string} id
 * @property {string} label
 * @property {string} imports
 * @property {number} [min]
 * @property {number} [gzip]
 * @property {string} [over] label of the base
 * @property {number} [deltaMin]
 * @property {number} [deltaGzip]
 * @property {number} budget
 * @property {'total' | 'delta'} budgetOf
 * @property {string} budgetName
 * @property {boolean} ok
 * @property {string} [error]
 */

/**
 * @param {readonly ImportSpec[]} specs
 * @returns {string}
 */
function describe(specs) {
  return specs
    .map(
      (s) =>
        `${s.names === '*' ? '*' : s.names.map((n) => (n === 'default' ? 'default' : n)).join(' + ')} from ${s.from}`,
    )
    .join('; ')
}

/**
 * Measures our entries and checks their budgets. Deterministic: bundling and gzip depend only
 * on the source.
 * @returns {Promise<OurSize[]>}
 */
export async function measureOurs() {
  /** @type {OurSize[]} */
  const results = []
  for (const entry of ourEntries) {
    const base = entry.over === undefined ? undefined : ourEntries.find((e) => e.id === entry.over)
    /** @type {OurSize} */
    const row = {
      id: entry.id,
      label: entry.label,
      imports: describe(entry.specs),
      budget: entry.budget,
      budgetOf: base === undefined ? 'total' : 'delta',
      budgetName: entry.budgetName,
      ok: false,
    }
    try {
      await requireSpecs(withBase(entry.id))
      const total = entry.bundled
        ? await measureBundled(entry.specs, entry.bundled)
        : await measure(entry.specs)
      row.min = total.min
      row.gzip = total.gzip
      if (base !== undefined) {
        const baseSpecs = withBase(base.id)
        const baseSize = await measure(baseSpecs)
        const combined = await measure([...baseSpecs, ...entry.specs])
        row.over = base.label
        row.deltaMin = combined.min - baseSize.min
        row.deltaGzip = combined.gzip - baseSize.gzip
        row.ok = row.deltaGzip <= entry.budget
      } else {
        row.ok = total.gzip <= entry.budget
      }
    } catch (error) {
      row.error = error instanceof Error ? error.message : String(error)
    }
    results.push(row)
  }
  return results
}

/**
 * @typedef {object} AnchorSize
 * @property {string} label
 * @property {string} imports
 * @property {number} [min]
 * @property {number} [gzip]
 * @property {string} [error]
 */

/**
 * Measures the anchors, plus the oauth4webapi subset the login client imports.
 * @returns {Promise<AnchorSize[]>}
 */
export async function measureAnchors() {
  /** @type {Anchor[]} */
  const anchors = [...fixedAnchors]
  /** @type {AnchorSize[]} */
  const results = []
  try {
    const names = await loginOauth4webapiNames()
    anchors.push({
      label: `oauth4webapi 3.8.8, the ${names.length} functions the login client imports`,
      specs: [{ from: 'oauth4webapi', names }],
    })
  } catch (error) {
    results.push({
      label: 'oauth4webapi 3.8.8, the subset the login client imports',
      imports: 'from @oauth-connect/core/login',
      error: error instanceof Error ? error.message : String(error),
    })
  }
  for (const anchor of anchors) {
    try {
      results.push({
        label: anchor.label,
        imports: describe(anchor.specs),
        ...(await measure(anchor.specs)),
      })
    } catch (error) {
      results.push({
        label: anchor.label,
        imports: describe(anchor.specs),
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }
  return results
}

/** The settings every size row uses, for the report. */
export const sizeSettings =
  'esbuild bundle + minify, ESM, platform browser, target es2022, process.env.NODE_ENV="production", ' +
  'external: react, react-dom, @tanstack/react-query, graphql, graphql-request; workspace packages ' +
  'from source (condition @oauth-connect/source); gzip -9 (Node zlib)'

/**
 * @returns {Promise<{ ours: OurSize[], anchors: AnchorSize[], settings: string }>}
 */
export async function runSize() {
  return { ours: await measureOurs(), anchors: await measureAnchors(), settings: sizeSettings }
}

if (isMain(import.meta.url)) {
  console.log(JSON.stringify(await runSize(), null, 2))
}
