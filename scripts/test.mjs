// `pnpm test`: typecheck, lint, unit tests, package checks, size budgets, docs examples, then
// e2e. Every step runs even when an earlier one fails, so one run shows every failure; the exit
// code is non-zero if any failed.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'

const steps = [
  { name: 'typecheck', cmd: ['pnpm', 'typecheck'] },
  { name: 'lint', cmd: ['pnpm', 'lint'] },
  { name: 'unit', cmd: ['pnpm', 'test:unit'], report: 'reports/vitest.json' },
  { name: 'packages', cmd: ['pnpm', 'test:packages'], report: 'reports/packages.json' },
  { name: 'budgets', cmd: ['node', 'bench/check-budgets.mjs'], report: 'reports/budgets.json' },
  { name: 'docs', cmd: ['node', 'scripts/check-docs.mjs'], report: 'reports/docs.json' },
  { name: 'e2e', cmd: ['pnpm', 'test:e2e'], report: 'reports/playwright.json' },
]

rmSync('reports', { recursive: true, force: true })
mkdirSync('reports', { recursive: true })

const results = []
for (const step of steps) {
  console.log(`\n── ${step.name} ──`)
  const started = Date.now()
  const run = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: 'inherit' })
  const ok = run.status === 0
  results.push({
    name: step.name,
    ok,
    report: step.report ?? null,
    seconds: (Date.now() - started) / 1000,
  })
  writeFileSync('reports/steps.json', `${JSON.stringify(results, null, 2)}\n`)
}

console.log('')
for (const r of results)
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds.toFixed(1)} s)`)
const summary = spawnSync('node', ['scripts/summary.mjs'], { stdio: 'inherit' })
process.exit(results.every((r) => r.ok) && summary.status === 0 ? 0 : 1)
