// `pnpm demo`: the mock backend and the demo app, side by side, until Ctrl-C.
import { spawn } from 'node:child_process'

const appOrigin = process.env.APP_ORIGIN ?? 'http://localhost:5173'
const bwell = process.env.MOCK_BWELL_ORIGIN ?? 'http://127.0.0.1:4000'

const children = [
  spawn('pnpm', ['--filter', './apps/mock-backend', 'start'], { stdio: 'inherit' }),
  spawn('pnpm', ['--filter', './apps/demo', 'dev'], { stdio: 'inherit' }),
]

/** @param {string} url */
async function waitFor(url) {
  for (let i = 0; i < 120; i++) {
    try {
      const res = await fetch(url)
      if (res.ok) return true
    } catch {}
    await new Promise((r) => setTimeout(r, 500))
  }
  return false
}

let stopping = false
/** @param {number} code */
function stop(code) {
  if (stopping) return
  stopping = true
  for (const child of children) child.kill('SIGTERM')
  process.exitCode = code
}
for (const child of children) child.on('exit', (code) => stop(code ?? 1))
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

const [backendUp, demoUp] = await Promise.all([waitFor(`${bwell}/health`), waitFor(appOrigin)])
if (backendUp && demoUp) {
  console.log(
    `\n  demo:          ${appOrigin}\n  mock backend:  ${bwell} (health: ${bwell}/health)\n`,
  )
} else {
  console.error('demo: a server did not start; see the output above')
  stop(1)
}
