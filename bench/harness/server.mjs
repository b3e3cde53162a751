// Two node:http servers bound to 127.0.0.1 (ports differ, so origins differ): the app origin serves the
// app page and the app's own callback page; the provider origin serves an authorize redirect, the
// hosted completion page (b.well style) and an echo page for the postMessage floor.
import { createServer } from 'node:http'

/**
 * @typedef {object} Harness
 * @property {string} appOrigin
 * @property {string} providerOrigin
 * @property {() => Promise<void>} close
 */

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} type
 * @param {string | Uint8Array} body
 * @param {Record<string, string>} [headers]
 */
function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers })
  res.end(body)
}

/**
 * @param {string} script inline module source
 * @returns {string}
 */
function page(script) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body><script>${script}</script></body></html>`
}

// The completion pages call window.__benchSignal (a Playwright binding) right after their signal,
// in the same task, with the time captured just before sending.
const signalTime = 'performance.timeOrigin + performance.now()'
const report = (/** @type {string} */ expr) =>
  `if (typeof window.__benchSignal === 'function') window.__benchSignal(${expr});`

/**
 * Starts both servers.
 * @param {{ appBundle: () => Promise<Uint8Array>, callbackBundle: () => Promise<Uint8Array> }} options
 *   the pages' scripts, built on request
 * @returns {Promise<Harness>}
 */
export async function startHarness(options) {
  /** @type {{ app: string, provider: string }} */
  const origins = { app: '', provider: '' }

  const app = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origins.app)
    if (url.pathname === '/') {
      send(
        res,
        200,
        'text/html',
        '<!doctype html><html><head><meta charset="utf-8"><title>app</title><script type="module" src="/app.js"></script></head><body>bench app</body></html>',
      )
    } else if (url.pathname === '/app.js') {
      options.appBundle().then(
        (code) => send(res, 200, 'text/javascript', code),
        (error) => send(res, 500, 'text/plain', String(error)),
      )
    } else if (url.pathname === '/callback.js') {
      options.callbackBundle().then(
        (code) => send(res, 200, 'text/javascript', code),
        (error) => send(res, 500, 'text/plain', String(error)),
      )
    } else if (url.pathname === '/bc-echo') {
      // The BroadcastChannel floor: answers every number on the named channel.
      send(
        res,
        200,
        'text/html',
        page(`
const channel = new BroadcastChannel(new URLSearchParams(location.search).get('name'))
channel.onmessage = (event) => { if (typeof event.data === 'number') channel.postMessage('echo-' + event.data) }
channel.postMessage('echo-ready')`),
      )
    } else if (url.pathname === '/connect/callback') {
      // The app's own callback page (custom redirect). `signal` picks what it does:
      // poll: nothing (the opener polls its location); broadcast: the toolkit's envelope on the
      // attempt's BroadcastChannel; complete: the toolkit's completeConnection(); close:
      // window.close() without a word; none: nothing.
      const signal = url.searchParams.get('signal')
      const run = JSON.stringify(url.searchParams.get('run') ?? '')
      if (signal === 'poll') {
        send(
          res,
          200,
          'text/html',
          page(
            `addEventListener('load', () => { const t = ${signalTime}; ${report(`{ run: ${run}, t }`)} })`,
          ),
        )
      } else if (signal === 'broadcast') {
        send(
          res,
          200,
          'text/html',
          page(`
const q = new URLSearchParams(location.search)
const attemptId = q.get('attempt')
const statusCode = q.get('status_code')
const channel = new BroadcastChannel('oauth-connect:' + attemptId)
const t = ${signalTime}
channel.postMessage({ type: 'oauth-connect', version: 1, attemptId, statusCode })
${report(`{ run: ${run}, t }`)}
channel.close()`),
        )
      } else if (signal === 'complete') {
        send(
          res,
          200,
          'text/html',
          '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/callback.js"></script></head><body></body></html>',
        )
      } else if (signal === 'close') {
        send(res, 200, 'text/html', page('window.close()'))
      } else {
        send(res, 200, 'text/html', page(''))
      }
    } else {
      send(res, 404, 'text/plain', 'not found')
    }
  })

  const provider = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origins.provider)
    if (url.pathname === '/authorize') {
      // Stands in for the provider's consent and the b.well callback: straight on to `next`.
      const next = url.searchParams.get('next') ?? ''
      const target = URL.canParse(next) ? new URL(next) : undefined
      if (
        target === undefined ||
        (target.origin !== origins.app && target.origin !== origins.provider)
      ) {
        send(res, 400, 'text/plain', 'bad next')
        return
      }
      send(res, 302, 'text/plain', '', { location: target.href })
    } else if (url.pathname === '/oauth/complete') {
      // The hosted completion page: posts 'status-success' / 'status-failure' to the opener.
      const ok = url.searchParams.get('status_code') === 'success'
      const run = JSON.stringify(url.searchParams.get('run') ?? '')
      send(
        res,
        200,
        'text/html',
        page(`
const t = ${signalTime}
window.opener.postMessage(${JSON.stringify(ok ? 'status-success' : 'status-failure')}, ${JSON.stringify(origins.app)})
${report(`{ run: ${run}, t }`)}`),
      )
    } else if (url.pathname === '/echo') {
      // The floor: answers every message from the opener with the same data.
      send(
        res,
        200,
        'text/html',
        page(`
const app = ${JSON.stringify(origins.app)}
addEventListener('message', (event) => {
  if (event.origin === app && event.source === window.opener) window.opener.postMessage(event.data, app)
})
window.opener.postMessage('echo-ready', app)`),
      )
    } else if (url.pathname === '/idle') {
      send(res, 200, 'text/html', page(''))
    } else if (url.pathname === '/close') {
      send(res, 200, 'text/html', page('window.close()'))
    } else {
      send(res, 404, 'text/plain', 'not found')
    }
  })

  /**
   * @param {import('node:http').Server} server
   * @returns {Promise<string>}
   */
  const listen = (server) =>
    new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        const address = server.address()
        if (address === null || typeof address === 'string') reject(new Error('no port'))
        else resolve(`http://127.0.0.1:${address.port}`)
      })
    })

  // The app is addressed as localhost and the provider as 127.0.0.1, as in development
  // (DESIGN §3): different sites, so Chromium keeps the two windows in different processes.
  origins.app = (await listen(app)).replace('127.0.0.1', 'localhost')
  origins.provider = await listen(provider)

  /**
   * @param {import('node:http').Server} server
   * @returns {Promise<void>}
   */
  const close = (server) =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })

  return {
    appOrigin: origins.app,
    providerOrigin: origins.provider,
    close: async () => {
      await Promise.all([close(app), close(provider)])
    },
  }
}
