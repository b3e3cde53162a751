const REDACTED = '[redacted]'

/**
 * `application/x-www-form-urlencoded` as RFC 6749 §2.3.1 asks for HTTP Basic (and as
 * oauth4webapi sends it): every character but `A-Z a-z 0-9` percent-encoded, space as `+`.
 */
function formEncodeStrict(value: string): string {
  return encodeURIComponent(value).replace(/[-_.!~*'()]|%20/g, (match) =>
    match === '%20' ? '+' : `%${match.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  const padded = bytes.toString('base64')
  return [padded, padded.replace(/=+$/, ''), bytes.toString('base64url')]
}

function jsonEscapes(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1)
  // A server may also escape every non-ASCII character (and "/"), in either case of hex digit.
  const ascii = json.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
  return [
    json,
    ascii,
    ascii.replace(/\\u([0-9a-f]{4})/g, (_, hex: string) => `\\u${hex.toUpperCase()}`),
    json.replaceAll('/', '\\/'),
  ]
}

function withHexCases(value: string): string[] {
  return [value, value.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())]
}

function escapeRegExp(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
}

/**
 * Builds a function that replaces a client secret in server-supplied text with `[redacted]`,
 * in clear and in every encoding the secret travelled in or could be echoed back in:
 * form-encoded (both styles, either case of hex digit), the Base64 of the HTTP Basic
 * credentials (and of the secret alone), and JSON-escaped.
 *
 * @param secret The client secret.
 * @param clientId The client id, to recognise the Basic credentials `id:secret`.
 */
export function secretRedactor(secret: string, clientId: string): (text: string) => string {
  const forms = new Set<string>()
  const add = (value: string) => {
    if (value !== '') forms.add(value)
  }
  for (const encoded of [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    formEncodeStrict(secret),
  ]) {
    for (const form of withHexCases(encoded)) add(form)
  }
  for (const form of jsonEscapes(secret)) add(form)
  for (const credentials of [
    `${formEncodeStrict(clientId)}:${formEncodeStrict(secret)}`,
    `${clientId}:${secret}`,
    secret,
    formEncodeStrict(secret),
  ]) {
    for (const form of base64Forms(credentials)) add(form)
  }
  // Longest first, so that no shorter form breaks up a longer one before it is matched.
  const pattern = new RegExp(
    [...forms]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  )
  return (text) => text.replace(pattern, REDACTED)
}
