// Size budgets (gzip) of our entry points: `node bench/check-budgets.mjs` from the repo root.
// Prints a table, writes reports/budgets.json as [{ name, check: 'size-budget', ok, gzip, budget }]
// and exits 1 when a budget is exceeded or an entry cannot be measured. Deterministic: esbuild and
// gzip -9 depend only on the source, so the same checkout always gives the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isMain, repoRoot } from './lib/paths.mjs'
import { measureOurs } from './size.mjs'

/**
 * @typedef {object} BudgetResult
 * @property {string} name
 * @property {'size-budget'} check
 * @property {boolean} ok
 * @property {number | null} gzip the measured gzip bytes (of the delta, for a delta budget)
 * @property {number} budget
 * @property {string} [error]
 */

/**
 * Measures our entries and compares them with their budgets.
 * @returns {Promise<BudgetResult[]>}
 */
export async function checkBudgets() {
  const rows = await measureOurs()
  return rows.map((row) => {
    const gzip = (row.budgetOf === 'delta' ? row.deltaGzip : row.gzip) ?? null
    /** @type {BudgetResult} */
    const result = {
      name: row.budgetName,
      check: 'size-budget',
      ok: row.ok,
      gzip,
      budget: row.budget,
    }
    if (row.error !== undefined) result.error = row.error
    return result
  })
}

/**
 * @param {readonly BudgetResult[]} results
 * @returns {string}
 */
export function budgetTable(results) {
  const header = ['', 'budget (gzip)', 'measured (gzip)', 'headroom', 'name']
  const lines = results.map((r) => [
    r.ok ? 'ok' : 'FAIL',
    `${r.budget} B`,
    r.gzip === null ? '-' : `${r.gzip} B`,
    r.gzip === null ? '-' : `${r.budget - r.gzip} B`,
    r.error === undefined ? r.name : `${r.name}: ${r.error}`,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)))
  return [header, ...lines]
    .map((cells) =>
      cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '),
    )
    .join('\n')
}

if (isMain(import.meta.url)) {
  const results = await checkBudgets()
  console.log(budgetTable(results))
  const reports = join(repoRoot, 'reports')
  mkdirSync(reports, { recursive: true })
  writeFileSync(join(reports, 'budgets.json'), `${JSON.stringify(results, null, 2)}\n`)
  process.exit(results.every((r) => r.ok) ? 0 : 1)
}
