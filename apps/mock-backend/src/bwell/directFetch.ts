import { request } from 'node:http'

/** What {@link directFetch} sends. */
export interface DirectRequest {
  method?: string
  headers?: Record<string, string>
  body?: string
}

/**
 * `fetch` for what the test itself does to the mock (the fault and lifecycle routes, the user's
 * steps at the provider's consent page), over `node:http`. Under a DOM test environment the
 * global `fetch` is the test page's, which applies CORS from the page's origin; these requests
 * belong to no page. Redirects are never followed: the response carries the `location`.
 */
export function directFetch(url: string | URL, init: DirectRequest = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const headers = new Headers()
          for (const [name, value] of Object.entries(res.headers)) {
            for (const one of [value ?? []].flat()) headers.append(name, one)
          }
          const status = res.statusCode ?? 500
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks).toString()
          resolve(new Response(body, { status, headers }))
        })
      },
    )
    outgoing.on('error', reject)
    outgoing.end(init.body)
  })
}
