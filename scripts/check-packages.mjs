// Package checks: build every published package, then publint --strict and attw --pack on each,
// then type-check scripts/consumer against the packed packages with the lowest supported
// TypeScript and the current one (scripts/lib/consumer.mjs).
// Writes reports/packages.json ([{ name, check, ok }]) for the summary line.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkConsumer } from './lib/consumer.mjs'

const packages = readdirSync('packages').map((dir) => join('packages', dir))
const results = []
/** @param {string} cmd @param {string[]} args @param {string} cwd */
const run = (cmd, args, cwd) => spawnSync(cmd, args, { cwd, stdio: 'inherit' }).status === 0

for (const dir of packages) {
  const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const built = run('pnpm', ['run', 'build'], dir)
  results.push({ name, check: 'build', ok: built })
  if (!built) continue
  results.push({ name, check: 'publint', ok: run('pnpm', ['exec', 'publint', '--strict'], dir) })
  results.push({
    name,
    check: 'attw',
    ok: run(
      'pnpm',
      [
        'exec',
        'attw',
        '--pack',
        '.',
        '--profile',
        'esm-only',
        '--exclude-entrypoints',
        'styles.css',
      ],
      dir,
    ),
  })
}

if (results.filter((r) => r.check === 'build').every((r) => r.ok)) {
  results.push(...checkConsumer({ root: process.cwd() }))
} else {
  results.push({ name: 'consumer', check: 'packed packages type-check', ok: false })
}

mkdirSync('reports', { recursive: true })
writeFileSync('reports/packages.json', `${JSON.stringify(results, null, 2)}\n`)
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} ${r.check}`)
process.exit(results.every((r) => r.ok) ? 0 : 1)
