// Server token source: cached getToken() calls per second, and how many token requests 10 000
// concurrent cold calls make, against a local token server on 127.0.0.1:0. Run alone with
// `node bench/token-source.mjs` (prints JSON).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { bundle, requireExports } from './lib/bundle.mjs'
import { isMain } from './lib/paths.mjs'

/**
 * @typedef {object} TokenSourceResult
 * @property {{ runs: number[], median: number, seconds: number }} cachedPerSecond sequential awaited
 *   calls per second, one value per run
 * @property {{ calls: number, requests: number, ms: number, distinctTokens: number }} cold
 */

/** @typedef {{ getToken(): Promise<{ accessToken: string }> }} TokenSourceLike */

/**
 * @param {unknown} value
 * @returns {value is TokenSourceLike}
 */
const isTokenSource = (value) =>
  typeof value === 'object' &&
  value !== null &&
  typeof (/** @type {{ getToken?: unknown }} */ (value).getToken) === 'function'

/**
 * Loads `@oauth-connect/server` from source: bundled for Node into a temporary file, because
 * plain Node cannot import TypeScript.
 * @returns {Promise<{ mod: Record<string, unknown>, dispose: () => Promise<void> }>}
 */
async function loadServerPackage() {
  await requireExports('@oauth-connect/server', ['createTokenSource'], 'node')
  const { text } = await bundle({
    contents: `export * from '@oauth-connect/server'`,
    platform: 'node',
    minify: false,
    external: [],
  })
  const dir = await mkdtemp(join(tmpdir(), 'oauth-connect-bench-'))
  const file = join(dir, 'server.mjs')
  await writeFile(file, text)
  /** @type {Record<string, unknown>} */
  const mod = await import(pathToFileURL(file).href)
  return { mod, dispose: () => rm(dir, { recursive: true, force: true }) }
}

/**
 * A client-credentials token endpoint that counts its requests (`expires_in: 3600`).
 * @returns {Promise<{ url: string, requests: () => number, close: () => Promise<void> }>}
 */
export async function startTokenServer() {
  let requests = 0
  const server = createServer((req, res) => {
    requests += 1
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(
        JSON.stringify({
          access_token: `token-${requests}`,
          token_type: 'Bearer',
          expires_in: 3600,
          scope: 'system/*.read',
        }),
      )
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(undefined))
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    url: `http://127.0.0.1:${address.port}/oauth2/token`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve(undefined))
      }),
  }
}

/**
 * @param {{ runs?: number, seconds?: number, coldCalls?: number }} [options]
 * @returns {Promise<TokenSourceResult>}
 */
export async function runTokenSource(options = {}) {
  const { runs = 5, seconds = 1, coldCalls = 10_000 } = options
  const { mod, dispose } = await loadServerPackage()
  const tokenServer = await startTokenServer()
  try {
    const createTokenSource = mod.createTokenSource
    if (typeof createTokenSource !== 'function') {
      throw new Error('missing export "createTokenSource" from "@oauth-connect/server"')
    }
    /** @returns {TokenSourceLike} */
    const create = () => {
      const source = createTokenSource({
        tokenEndpoint: tokenServer.url,
        auth: 'client_secret_post',
        clientId: 'bwell-backend',
        clientSecret: 'bwell-backend-secret',
        scope: 'system/*.read',
      })
      if (!isTokenSource(source)) throw new Error('createTokenSource did not return a token source')
      return source
    }

    // Cold: one fresh source, every call at once.
    const cold = create()
    const before = tokenServer.requests()
    const t0 = performance.now()
    const tokens = await Promise.all(Array.from({ length: coldCalls }, () => cold.getToken()))
    const coldMs = performance.now() - t0
    const requests = tokenServer.requests() - before

    // Cached: one warm source, calls awaited one after another.
    const warm = create()
    await warm.getToken()
    /** @type {number[]} */
    const perSecond = []
    for (let r = 0; r < runs; r += 1) {
      let calls = 0
      const start = performance.now()
      const end = start + seconds * 1000
      let now = start
      while (now < end) {
        for (let i = 0; i < 1000; i += 1) await warm.getToken()
        calls += 1000
        now = performance.now()
      }
      perSecond.push(Math.round(calls / ((now - start) / 1000)))
    }
    const sorted = [...perSecond].sort((a, b) => a - b)
    return {
      cachedPerSecond: {
        runs: perSecond,
        median: sorted[Math.floor(sorted.length / 2)] ?? 0,
        seconds,
      },
      cold: {
        calls: coldCalls,
        requests,
        ms: coldMs,
        distinctTokens: new Set(tokens.map((t) => t.accessToken)).size,
      },
    }
  } finally {
    await tokenServer.close()
    await dispose()
  }
}

if (isMain(import.meta.url)) {
  console.log(JSON.stringify(await runTokenSource(), null, 2))
}
