import type { KoaContextWithOIDC } from 'oidc-provider'
import { escapeHtml, htmlPage } from '../http.ts'

/** The end-session (RP-initiated logout) path, beside Medblocks' `/oauth2/auth` and `/oauth2/token`. */
export const endSessionPath = '/oauth2/session/end'

// Local styles only: the pages load nothing from outside this machine (oidc-provider's default
// pages import web fonts).
const logoutCss = `
body{font-family:system-ui,sans-serif;background:#f4f6f8;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;width:min(22rem,90vw)}
button{margin-top:1rem;padding:.6rem 1rem;width:100%}
`

/**
 * The confirmation page of end-session. `form` is oidc-provider's form (its action and a hidden
 * xsrf field); the buttons submit it with `logout=yes` or without.
 */
export function logoutSource(ctx: KoaContextWithOIDC, form: string): void {
  ctx.type = 'html'
  ctx.body = htmlPage(
    'Sign out of Medblocks',
    `<h1>Sign out of Medblocks?</h1>
<p>You are signing out of ${escapeHtml(ctx.host)}. The next sign-in asks for your password.</p>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button>`,
    logoutCss,
  )
}

/** Shown after end-session when the request named no `post_logout_redirect_uri`. */
export function postLogoutSuccessSource(ctx: KoaContextWithOIDC): void {
  ctx.type = 'html'
  ctx.body = htmlPage(
    'Signed out of Medblocks',
    '<h1>Signed out</h1><p>You are signed out of Medblocks. You can close this window.</p>',
    logoutCss,
  )
}
