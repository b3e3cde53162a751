// Package checks: build every published package, then publint --strict and attw --pack on each.
// Writes reports/packages.json ([{ name, check, ok }]) for the summary line.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

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

mkdirSync('reports', { recursive: true })
writeFileSync('reports/packages.json', `${JSON.stringify(results, null, 2)}\n`)
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} ${r.check}`)
process.exit(results.every((r) => r.ok) ? 0 : 1)
