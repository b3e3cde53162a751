import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { escapeHtml, scriptJson, sendHtml } from '../http.ts'
import { isStatusCode, type StatusCode } from './statusCodes.ts'

const headings: Record<StatusCode, string> = {
  success: 'Connected',
  cancelled: 'Connection cancelled',
  error: 'Connection failed',
  expired: 'Connection expired',
  unauthorized: 'Connection not authorized',
}

/**
 * `GET /oauth/complete?status_code=…`, b.well's hosted completion page. It posts
 * `'status-success'` (only for `success`) or `'status-failure'` to `window.opener` with the
 * registered app origin as `targetOrigin`, never `'*'`, and shows the outcome. Without an
 * opener (COOP, a direct visit) it only shows the outcome.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.17
 */
export function createCompletionPage(appOrigin: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const values = new URL(req.url ?? '/', 'http://localhost').searchParams.getAll('status_code')
    const raw = values.length === 1 ? values[0] : undefined
    const statusCode = isStatusCode(raw) ? raw : undefined
    const message = statusCode === 'success' ? 'status-success' : 'status-failure'
    const heading = statusCode ? headings[statusCode] : 'Connection failed'
    const shown = values.length === 1 ? (raw ?? '') : values.length === 0 ? '(none)' : '(repeated)'
    const nonce = randomBytes(16).toString('base64')
    const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading)} · b.well</title>
<style>body{font-family:system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f5f7fa}main{background:#fff;padding:2rem;border-radius:10px;box-shadow:0 1px 4px #0002;text-align:center;width:min(24rem,92vw)}</style>
</head>
<body><main>
<h1 id="heading">${escapeHtml(heading)}</h1>
<p>Status: <output id="status" data-status-code="${escapeHtml(shown)}">${escapeHtml(shown)}</output></p>
<p id="note" role="status">Return to the app to continue.</p>
<button type="button" id="close">Close this window</button>
</main>
<script nonce="${nonce}">
(() => {
  const message = ${scriptJson(message)};
  const targetOrigin = ${scriptJson(appOrigin)};
  const note = document.getElementById('note');
  document.getElementById('close').addEventListener('click', () => window.close());
  if (window.opener && !window.opener.closed) {
    try {
      window.opener.postMessage(message, targetOrigin);
      note.textContent = 'You can close this window.';
    } catch {}
  }
})();
</script>
</body></html>`
    sendHtml(res, 200, html, { nonce })
  }
}
