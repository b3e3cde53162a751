// Starts test/mockProcess.ts in a child Node process (through tsx) and talks to its control API.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** What the child prints once the mock listens. */
interface Ready {
  control: string
  graphqlEndpoint: string
  origins: Record<'bwell' | 'portal' | 'medblocks' | 'opescare' | 'app', string>
  clientKeys: { hosted: string; customRedirect: string }
  basicCredentials: Record<string, { username: string; password: string }>
}

/**
 * @param appOrigin the test page's origin, registered with the mock for CORS and `postMessage`
 * @returns the mock's endpoints and seeds, its control actions, and `close()`
 */
export async function startMockProcess(appOrigin: string) {
  // Plain paths: happy-dom's URL does not resolve file: URLs.
  const here = dirname(fileURLToPath(import.meta.url))
  const tsx = createRequire(join(here, 'package.json')).resolve('tsx/cli')
  const child = spawn(
    process.execPath,
    [tsx, '--conditions=@oauth-connect/source', join(here, 'mockProcess.ts'), appOrigin],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const ready = await new Promise<Ready>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split('\n')[0]
      if (out.includes('\n') && line) resolve(JSON.parse(line) as Ready)
    })
    child.once('exit', (code) => reject(new Error(`the mock process exited (${code})`)))
  })

  async function control(action: string, body: Record<string, unknown> = {}): Promise<unknown> {
    const response = await fetch(ready.control, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action, ...body }),
    })
    const answer = (await response.json()) as { result?: unknown; error?: string }
    if (!response.ok) throw new Error(answer.error ?? `control ${action} failed`)
    return answer.result
  }

  return {
    ...ready,
    identityTokenFor: async (username: string) => String(await control('identity', { username })),
    /** The user's part of the OAuth flow at the provider; resolves to where b.well sent the browser. */
    consent: async (redirectUrl: string, decision = 'allow') =>
      String(await control('consent', { redirectUrl, decision })),
    fault: (fault: Record<string, unknown>) => control('fault', { fault }),
    clearFaults: () => control('clearFaults'),
    async close() {
      child.stdin.end()
      await exited
    },
  }
}

export type MockProcess = Awaited<ReturnType<typeof startMockProcess>>
