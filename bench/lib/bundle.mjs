// esbuild helpers shared by the size benchmark, the budget check and the browser harness.
// Workspace packages are bundled from source through the `@oauth-connect/source` condition, so the
// numbers describe the code in this checkout, not a stale dist/.
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'
import { benchDir, packageDirs } from './paths.mjs'

/** Bare imports an app already pays for; the issue measures every entry with them external. */
export const externals = [
  'react',
  'react/*',
  'react-dom',
  'react-dom/*',
  '@tanstack/react-query',
  'graphql',
  'graphql-request',
]

const workspaceImport = /^@oauth-connect\/(core|react|ui|server)(?:\/|$)/
const resolving = Symbol('oauth-connect-bench-resolving')

/**
 * Resolves `@oauth-connect/<name>[/sub]` from the package's own folder (a package self-reference),
 * because the bench package does not depend on the workspace packages it measures.
 * @type {esbuild.Plugin}
 */
export const workspacePlugin = {
  name: 'oauth-connect-workspace',
  setup(build) {
    build.onResolve({ filter: workspaceImport }, async (args) => {
      if (args.pluginData === resolving) return undefined
      const name = workspaceImport.exec(args.path)?.[1]
      const dir =
        name === undefined ? undefined : packageDirs[/** @type {keyof typeof packageDirs} */ (name)]
      if (dir === undefined) return undefined
      const result = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: dir,
        pluginData: resolving,
      })
      if (result.errors.length > 0) return { errors: result.errors }
      return { path: result.path, external: result.external, sideEffects: result.sideEffects }
    })
  },
}

/**
 * @typedef {object} BundleOptions
 * @property {string} contents the entry module's source (TypeScript allowed)
 * @property {string} [resolveDir] where bare imports in the entry resolve from (default: bench/)
 * @property {boolean} [minify] default true
 * @property {'browser' | 'node'} [platform] default 'browser'
 * @property {string[]} [external] default {@link externals}
 * @property {boolean} [metafile]
 */

/**
 * Bundles one entry in memory with the settings every size in BENCHMARKS.md uses: bundle, minify,
 * ESM, browser, production `process.env.NODE_ENV`, the shared externals.
 * @param {BundleOptions} options
 * @returns {Promise<{ code: Uint8Array, text: string, metafile: esbuild.Metafile | undefined }>}
 */
export async function bundle(options) {
  const result = await esbuild.build({
    stdin: {
      contents: options.contents,
      resolveDir: options.resolveDir ?? benchDir,
      sourcefile: 'bench-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: options.platform ?? 'browser',
    target: 'es2022',
    minify: options.minify ?? true,
    legalComments: 'none',
    conditions: ['@oauth-connect/source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    external: options.external ?? externals,
    metafile: options.metafile ?? false,
    plugins: [workspacePlugin],
    logLevel: 'silent',
  })
  const out = result.outputFiles[0]
  if (out === undefined) throw new Error('esbuild produced no output')
  return { code: out.contents, text: out.text, metafile: result.metafile }
}

/**
 * The run-time export names of a module, as esbuild sees them after bundling it.
 * @param {string} specifier
 * @param {'browser' | 'node'} [platform] default 'browser'
 * @returns {Promise<string[]>}
 */
export async function runtimeExports(specifier, platform = 'browser') {
  const { metafile } = await bundle({
    contents: `export * from ${JSON.stringify(specifier)}`,
    platform,
    minify: false,
    metafile: true,
  })
  const outputs = Object.values(metafile?.outputs ?? {})
  return outputs.flatMap((o) => o.exports).sort()
}

/** Thrown when an entry the benchmark measures does not (yet) export a name it needs. */
export class MissingExportError extends Error {
  /**
   * @param {string} specifier
   * @param {string[]} missing
   * @param {string[]} available
   */
  constructor(specifier, missing, available) {
    super(
      `missing export ${missing.map((n) => `"${n}"`).join(', ')} from "${specifier}" ` +
        `(it exports at run time: ${available.length > 0 ? available.join(', ') : 'nothing'})`,
    )
    this.name = 'MissingExportError'
    this.specifier = specifier
    this.missing = missing
  }
}

/**
 * Throws a {@link MissingExportError} unless the module exports every name at run time.
 * @param {string} specifier
 * @param {readonly string[]} names
 * @param {'browser' | 'node'} [platform] default 'browser'
 * @returns {Promise<void>}
 */
export async function requireExports(specifier, names, platform = 'browser') {
  const available = await runtimeExports(specifier, platform)
  const missing = names.filter((n) => n !== 'default' && !available.includes(n))
  if (missing.length > 0) throw new MissingExportError(specifier, missing, available)
}

/**
 * @typedef {object} ImportSpec
 * @property {string} from module specifier
 * @property {readonly string[] | '*'} names the names to keep ('default' for a default export)
 */

/**
 * The entry source that re-exports exactly the given names, so tree-shaking keeps only them.
 * @param {readonly ImportSpec[]} specs
 * @returns {string}
 */
export function entrySource(specs) {
  return specs
    .map((spec, i) => {
      const from = JSON.stringify(spec.from)
      if (spec.names === '*') return `export * from ${from}`
      const names = spec.names.map((n) => (n === 'default' ? `default as default_${i}` : n))
      return `export { ${names.join(', ')} } from ${from}`
    })
    .join('\n')
}

/**
 * @typedef {object} Size
 * @property {number} min minified bytes
 * @property {number} gzip gzip -9 bytes of the minified output
 */

/**
 * Minified and gzip bytes of a bundle of the given imports. gzip runs at level 9 with Node's zlib,
 * whose header carries no timestamp, so the same input always gives the same bytes.
 * @param {readonly ImportSpec[]} specs
 * @param {string} [resolveDir]
 * @returns {Promise<Size>}
 */
export async function measure(specs, resolveDir) {
  const { code } = await bundle({
    contents: entrySource(specs),
    ...(resolveDir === undefined ? {} : { resolveDir }),
  })
  return { min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength }
}
