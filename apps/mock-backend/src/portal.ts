import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { findSource } from './bwell/dataSources.ts'
import { FlowAuthority } from './bwell/flow.ts'
import { applyHttpFaults, type FaultStore } from './faults.ts'
import {
  BadRequestError,
  escapeHtml,
  htmlPage,
  pathOf,
  readForm,
  redirect,
  sendHtml,
  sendJson,
} from './http.ts'

/** The portal's consent buttons, in page order, and the status code each should produce. */
export const portalDecisions = {
  allow: 'success',
  deny: 'cancelled',
  fail: 'error',
  expire: 'expired',
  tamper: 'unauthorized',
} as const
/** A consent-page button. */
export type PortalDecision = keyof typeof portalDecisions

/**
 * Authorization codes the provider portal hands to b.well on "Allow". Each is bound to one flow
 * and redeemable once, as a real provider's code would be.
 */
export class PortalCodes {
  readonly #codes = new Map<string, { flowId: string; expiresAt: number }>()

  /** Issues a code for the flow. */
  issue(flowId: string): string {
    const code = randomBytes(24).toString('base64url')
    this.#codes.set(hash(code), { flowId, expiresAt: Date.now() + 60_000 })
    return code
  }

  /** Redeems a code for the flow; `false` when unknown, used, expired or for another flow. */
  redeem(code: string, flowId: string): boolean {
    const key = hash(code)
    const entry = this.#codes.get(key)
    this.#codes.delete(key)
    return entry !== undefined && entry.flowId === flowId && Date.now() < entry.expiresAt
  }
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}

/** Flips the CSRF part of a state so it no longer matches the flow: the "Tamper" button. */
function tamper(state: string): string {
  const last = state.at(-1)
  return `${state.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`
}

const portalCss = `
body{font-family:system-ui,sans-serif;background:#eef2f7;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;padding:2rem;border-radius:10px;box-shadow:0 1px 4px #0002;width:min(26rem,92vw)}
.actions{display:grid;grid-template-columns:1fr 1fr;gap:.5rem;margin-top:1.25rem}
button{padding:.6rem;font-size:1rem;border-radius:6px;border:1px solid #8894a8;background:#f8fafc;cursor:pointer}
button[value=allow]{grid-column:1/-1;background:#1d4ed8;color:#fff;border-color:#1d4ed8}
small{color:#555}
`

function page(title: string, body: string): string {
  return htmlPage(title, body, portalCss)
}

interface PortalOptions {
  /** The b.well callback URL: the only redirect URI this portal serves. */
  callbackUrl: string
  flows: FlowAuthority
  codes: PortalCodes
  faults: FaultStore
}

function one(params: URLSearchParams | Map<string, string>, name: string): string {
  if (params instanceof URLSearchParams && params.getAll(name).length > 1) {
    throw new BadRequestError(`"${name}" parameter must not be repeated`)
  }
  const value = params.get(name)
  if (!value) throw new BadRequestError(`"${name}" parameter is required`)
  return value
}

function consentPage(fields: Record<string, string>, providerName: string): string {
  const hidden = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n')
  const buttons: [PortalDecision, string][] = [
    ['allow', 'Allow'],
    ['deny', 'Deny'],
    ['fail', 'Fail'],
    ['expire', 'Expire'],
    ['tamper', 'Tamper'],
  ]
  return page(
    `Connect ${providerName} to b.well`,
    `<h1>Connect ${escapeHtml(providerName)} to b.well</h1>
<p>b.well is asking to read your health records from ${escapeHtml(providerName)}.</p>
<form method="post" action="/oauth/decision">
${hidden}
<div class="actions">
${buttons.map(([value, label]) => `<button type="submit" name="decision" value="${value}">${label}</button>`).join('\n')}
</div>
</form>
<p><small>Local provider-portal stand-in. Deny, Fail, Expire and Tamper simulate the other outcomes.</small></p>`,
  )
}

/**
 * The third-party provider portal (4001): `GET /oauth/authorize` shows "Connect {provider} to
 * b.well" with Allow, Deny, Fail, Expire and Tamper; `POST /oauth/decision` returns to the b.well
 * callback with a code or an error.
 */
export function createPortal(options: PortalOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = pathOf(req)
    if (path === '/health') {
      sendJson(res, 200, { status: 'ok', service: 'portal' })
      return
    }
    try {
      if (path === '/oauth/authorize' && req.method === 'GET') {
        const params = new URL(req.url ?? '/', 'http://localhost').searchParams
        const redirectUri = one(params, 'redirect_uri')
        if (redirectUri !== options.callbackUrl) {
          throw new BadRequestError('"redirect_uri" is not registered with this provider')
        }
        const providerId = one(params, 'provider_id')
        const provider = findSource(providerId)
        if (provider?.category !== 'OAUTH') throw new BadRequestError('"provider_id" is unknown')
        const state = one(params, 'state')
        const flow = one(params, 'flow')
        const peeked = FlowAuthority.peek(flow)
        const context = {
          target: 'portal' as const,
          providerId,
          connectionId: peeked?.connectionId,
        }
        if (await applyHttpFaults(options.faults, context, res)) return
        const coop = options.faults.take('coop', context)
        sendHtml(
          res,
          200,
          consentPage(
            { redirect_uri: redirectUri, provider_id: providerId, state, flow },
            provider.name,
          ),
          coop ? { headers: { 'cross-origin-opener-policy': 'same-origin' } } : {},
        )
        return
      }
      if (path === '/oauth/decision' && req.method === 'POST') {
        const form = await readForm(req)
        const redirectUri = one(form, 'redirect_uri')
        if (redirectUri !== options.callbackUrl) {
          throw new BadRequestError('"redirect_uri" is not registered with this provider')
        }
        const decision = one(form, 'decision')
        if (!Object.hasOwn(portalDecisions, decision)) {
          throw new BadRequestError('"decision" must be allow, deny, fail, expire or tamper')
        }
        let state = one(form, 'state')
        let flow = one(form, 'flow')
        const flowId = FlowAuthority.peek(flow)?.flowId ?? ''
        const target = new URL(redirectUri)
        switch (decision as PortalDecision) {
          case 'deny':
            target.searchParams.set('error', 'access_denied')
            target.searchParams.set('error_description', 'the user denied access')
            break
          case 'fail':
            target.searchParams.set('error', 'server_error')
            target.searchParams.set('error_description', 'the provider could not complete')
            break
          case 'expire':
            flow = await options.flows.expire(flow)
            target.searchParams.set('code', options.codes.issue(flowId))
            break
          case 'tamper':
            state = tamper(state)
            target.searchParams.set('code', options.codes.issue(flowId))
            break
          default:
            target.searchParams.set('code', options.codes.issue(flowId))
        }
        target.searchParams.set('state', state)
        target.searchParams.set('flow', flow)
        redirect(res, target.href)
        return
      }
      sendJson(res, 404, { error: 'not_found' })
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error
      sendHtml(
        res,
        400,
        page('Invalid request', `<h1>Invalid request</h1><p>${escapeHtml(error.message)}</p>`),
      )
    }
  }
}
