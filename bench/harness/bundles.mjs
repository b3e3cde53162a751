// The browser bundles of the harness, built in memory with the size benchmark's settings
// (production NODE_ENV), so the pages run the same code an app would ship.
import { join } from 'node:path'
import { bundle } from '../lib/bundle.mjs'
import { benchDir } from '../lib/paths.mjs'

const pages = join(benchDir, 'harness/pages')

/**
 * @param {string} file a page module exporting `name`
 * @param {string} name the function to call with the entry's namespace
 * @param {string} [entry] the toolkit entry the page measures
 * @returns {Promise<Uint8Array>}
 */
async function pageBundle(file, name, entry = '@oauth-connect/core/connect') {
  const { code } = await bundle({
    contents: [
      `import * as entry from ${JSON.stringify(entry)}`,
      `import { ${name} } from ${JSON.stringify(join(pages, file))}`,
      `${name}(entry)`,
    ].join('\n'),
    minify: true,
  })
  return code
}

/**
 * @param {() => Promise<Uint8Array>} build
 * @returns {() => Promise<Uint8Array>}
 */
function once(build) {
  /** @type {Promise<Uint8Array> | undefined} */
  let result
  return () => {
    result ??= build()
    return result
  }
}

/** The app page's script. */
export const appBundle = once(() => pageBundle('app.ts', 'install'))
/** The callback page's script. */
export const callbackBundle = once(() => pageBundle('callback.ts', 'complete'))
/** The login page's script, over `@oauth-connect/core/login`. */
export const loginBundle = once(() =>
  pageBundle('login.ts', 'install', '@oauth-connect/core/login'),
)

/**
 * The leak instrument as a classic script, for `addInitScript`.
 * @returns {Promise<string>}
 */
export async function instrumentScript() {
  const { text } = await bundle({
    contents: `import ${JSON.stringify(join(pages, 'instrument.ts'))}`,
    minify: false,
    external: [],
  })
  // An init script is a classic script; the ESM bundle has no imports or exports left.
  return `(() => {\n${text}\n})()`
}
