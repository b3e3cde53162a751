// `pnpm test`: the steps of scripts/steps.mjs (typecheck, lint, unit tests, package checks, size
// budgets, docs examples, security cases, e2e), then the summary line. Every step runs even when
// an earlier one fails, so one run shows every failure; the exit code is non-zero if any failed.
// reports/steps.json grows by one entry as each step finishes: the summary counts a planned step
// missing from it as a failure, so a run killed mid-way never reads as green.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { steps } from './steps.mjs'

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'))
rmSync('reports', { recursive: true, force: true })
mkdirSync('reports', { recursive: true })

const results = []
for (const step of steps) {
  console.log(`\n── ${step.name} ──`)
  const started = Date.now()
  const [cmd = 'false', ...args] = step.cmd
  const run = spawnSync(cmd, args, { stdio: 'inherit' })
  results.push({ name: step.name, ok: run.status === 0, seconds: (Date.now() - started) / 1000 })
  writeFileSync('reports/steps.json', `${JSON.stringify(results, null, 2)}\n`)
}

console.log('')
for (const r of results)
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds.toFixed(1)} s)`)
const summary = spawnSync('node', ['scripts/summary.mjs'], { stdio: 'inherit' })
process.exit(results.every((r) => r.ok) && summary.status === 0 ? 0 : 1)
