import type { IncomingMessage, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import { BadRequestError, escapeHtml, htmlPage, readForm, sendHtml } from '../http.ts'
import { firstPartyClients } from './provider.ts'
import { authenticate, seededUsers } from './users.ts'

const loginCss = `
body{font-family:system-ui,sans-serif;background:#f4f6f8;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;width:min(22rem,90vw)}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.6rem 1rem;width:100%}p.error{color:#b00020}small{color:#555}
`

function page(title: string, body: string): string {
  return htmlPage(title, body, loginCss)
}

function loginForm(uid: string, error?: string, username = ''): string {
  const hint = seededUsers.map((u) => `<code>${escapeHtml(u.username)}</code>`).join(', ')
  return page(
    'Sign in to Medblocks',
    `<h1>Sign in to Medblocks</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${encodeURIComponent(uid)}/login">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(username)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p><small>Local stand-in. Seeded users: ${hint}.</small></p>`,
  )
}

/**
 * The Medblocks-style login and consent interaction at `/interaction/:uid`. Login checks the
 * seeded username and password; consent is granted at once for the first-party SPA and shown as
 * an Allow / Deny page for anyone else.
 * @returns `false` when the path is not an interaction route
 */
export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/consent)?$/.exec(path)
  if (!match?.[1]) return false
  const uid = match[1]
  const action = match[2]
  try {
    const details = await provider.interactionDetails(req, res)
    if (details.uid !== uid) throw new BadRequestError('interaction does not match this browser')
    const prompt = details.prompt.name
    if (req.method === 'GET' && !action) {
      if (prompt === 'login') {
        sendHtml(res, 200, loginForm(uid))
      } else if (prompt === 'consent' && firstPartyClients.has(String(details.params.client_id))) {
        await finishConsent(provider, req, res, details)
      } else {
        sendHtml(
          res,
          200,
          page(
            'Allow access',
            `<h1>Allow access?</h1><p>${escapeHtml(String(details.params.client_id))} asks for ${escapeHtml(String(details.params.scope ?? ''))}.</p>
<form method="post" action="/interaction/${encodeURIComponent(uid)}/consent"><button name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></form>`,
          ),
        )
      }
      return true
    }
    if (req.method === 'POST' && action === '/login' && prompt === 'login') {
      const form = await readForm(req)
      const username = form.get('username') ?? ''
      const user = authenticate(username, form.get('password') ?? '')
      if (!user) {
        sendHtml(res, 401, loginForm(uid, 'Incorrect username or password.', username))
        return true
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: user.username } },
        { mergeWithLastSubmission: false },
      )
      return true
    }
    if (req.method === 'POST' && action === '/consent' && prompt === 'consent') {
      const form = await readForm(req)
      if (form.get('decision') === 'allow') {
        await finishConsent(provider, req, res, details)
      } else {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'the user denied access' },
          { mergeWithLastSubmission: false },
        )
      }
      return true
    }
    sendHtml(res, 400, page('Sign-in error', '<h1>Sign-in error</h1><p>Unexpected request.</p>'))
  } catch (error) {
    const message =
      error instanceof BadRequestError
        ? error.message
        : 'This sign-in attempt has expired or is not from this browser. Start again from the app.'
    sendHtml(res, 400, page('Sign-in error', `<h1>Sign-in error</h1><p>${escapeHtml(message)}</p>`))
  }
  return true
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>

async function finishConsent(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  details: Details,
): Promise<void> {
  const { accountId } = details.session ?? {}
  const clientId = String(details.params.client_id)
  if (!accountId) throw new BadRequestError('no signed-in user for this consent')
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId })
  if (!grant) throw new BadRequestError('grant not found')
  const missing = details.prompt.details
  const scopes = missing.missingOIDCScope
  if (Array.isArray(scopes)) grant.addOIDCScope(scopes.join(' '))
  const claims = missing.missingOIDCClaims
  if (Array.isArray(claims)) grant.addOIDCClaims(claims.map(String))
  const resources = missing.missingResourceScopes
  if (resources && typeof resources === 'object') {
    for (const [indicator, list] of Object.entries(resources)) {
      if (Array.isArray(list)) grant.addResourceScope(indicator, list.join(' '))
    }
  }
  const grantId = await grant.save()
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  )
}
