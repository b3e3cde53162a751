/**
 * Every form a client secret travels in, or could be echoed back in: clear, percent- and
 * form-encoded (both styles, either case of hex digit), the Base64 of the HTTP Basic credentials
 * and of the secret alone, and JSON-escaped (as is and with non-ASCII escaped).
 */
export function secretForms(secret: string, clientId: string): string[] {
  const strict = (v: string) =>
    encodeURIComponent(v).replace(/[-_.!~*'()]|%20/g, (m) =>
      m === '%20' ? '+' : `%${m.charCodeAt(0).toString(16).toUpperCase()}`,
    )
  const basic = Buffer.from(`${strict(clientId)}:${strict(secret)}`).toString('base64')
  const json = JSON.stringify(secret).slice(1, -1)
  const jsonAscii = json.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).toLowerCase(),
      new URLSearchParams({ s: secret }).toString().slice(2),
      strict(secret),
      basic,
      basic.replace(/=+$/, ''),
      Buffer.from(`${clientId}:${secret}`).toString('base64'),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      json,
      jsonAscii,
    ]),
  ]
}
