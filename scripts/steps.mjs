// The steps of `pnpm test`, in order. scripts/test.mjs runs them; scripts/summary.mjs checks that
// each one ran and counts its report, so a step that never ran can never read as green.

/**
 * @typedef {'vitest' | 'playwright' | 'checks'} ReportFormat
 * @typedef {object} Step
 * @property {string} name
 * @property {readonly string[]} cmd
 * @property {string} [report] where the step writes its results; a step with a report must list
 *   at least one test or check in it
 * @property {ReportFormat} [format] how to read `report`
 */

/** @type {readonly Step[]} */
export const steps = [
  { name: 'typecheck', cmd: ['pnpm', 'typecheck'] },
  { name: 'lint', cmd: ['pnpm', 'lint'] },
  {
    name: 'unit',
    // Our reporter keeps what Vitest's JSON drops: each failed hook, suite and file.
    cmd: [
      'pnpm',
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=./scripts/lib/vitest-reporter.mjs',
    ],
    report: 'reports/unit.json',
    format: 'vitest',
  },
  {
    name: 'packages',
    cmd: ['pnpm', 'test:packages'],
    report: 'reports/packages.json',
    format: 'checks',
  },
  {
    name: 'budgets',
    cmd: ['node', 'bench/check-budgets.mjs'],
    report: 'reports/budgets.json',
    format: 'checks',
  },
  {
    name: 'docs',
    cmd: ['node', 'scripts/check-docs.mjs'],
    report: 'reports/docs.json',
    format: 'checks',
  },
  {
    name: 'security-cases',
    cmd: ['node', 'scripts/check-security-cases.mjs'],
    report: 'reports/security-cases.json',
    format: 'checks',
  },
  {
    name: 'e2e',
    cmd: ['pnpm', 'test:e2e'],
    report: 'reports/playwright.json',
    format: 'playwright',
  },
]
