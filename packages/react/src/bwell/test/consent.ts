// Plays the user's part of b.well's OAuth flow over HTTP, as the popup would: open the provider's
// consent page at `redirectUrl`, press a button, follow the redirect to b.well's callback.

const decode = (value: string) =>
  value
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')

function redirectOf(response: Response, base: string): string {
  const value = response.headers.get('location')
  if (!value || response.status < 300 || response.status >= 400) {
    throw new Error(`expected a redirect, got ${response.status}`)
  }
  return new URL(value, base).href
}

/**
 * @param redirectUrl what `getOauthUrl` returned
 * @param decision the consent page's button: `allow`, `deny`, `fail`, `expire`
 * @returns where b.well's callback finally sent the browser (hosted page or the app's callback)
 */
export async function consent(redirectUrl: string, decision = 'allow'): Promise<string> {
  const html = await (await fetch(redirectUrl)).text()
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
  if (!action) throw new Error('no form on the consent page')
  const fields: Record<string, string> = {}
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[decode(m[1] ?? '')] = decode(m[2] ?? '')
  }
  const decided = await fetch(new URL(decode(action), redirectUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, decision }).toString(),
  })
  const callbackUrl = redirectOf(decided, redirectUrl)
  const callback = await fetch(callbackUrl, { redirect: 'manual' })
  return redirectOf(callback, callbackUrl)
}
