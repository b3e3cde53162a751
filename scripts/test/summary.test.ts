import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Step } from '../steps.mjs'
import { steps as realSteps } from '../steps.mjs'
import { summarize, summaryLine } from '../summary.mjs'

const planned: Step[] = [
  { name: 'typecheck', cmd: ['true'] },
  { name: 'unit', cmd: ['true'], report: 'reports/unit.json', format: 'vitest' },
  { name: 'docs', cmd: ['true'], report: 'reports/docs.json', format: 'checks' },
  { name: 'e2e', cmd: ['true'], report: 'reports/playwright.json', format: 'playwright' },
]

const allRan = planned.map((s) => ({ name: s.name, ok: true }))

const vitestReport = (
  tests: { file?: string; name: string; status: string }[],
  errors: { where: string; message: string }[] = [],
  reason = 'passed',
) => ({
  tool: 'vitest',
  reason,
  tests: tests.map((t) => ({ file: 'src/a.test.ts', ...t })),
  errors,
})

const playwrightTest = (title: string, status: string) => ({
  title,
  tests: [{ projectName: 'chromium', status, results: [] }],
})

const playwrightReport = (specs: ReturnType<typeof playwrightTest>[], errors: unknown[] = []) => ({
  stats: {},
  errors,
  suites: [{ title: 'demo.spec.ts', file: 'demo.spec.ts', specs, suites: [] }],
})

const greenReports: Record<string, unknown> = {
  'reports/unit.json': vitestReport([
    { name: 'a > one', status: 'passed' },
    { name: 'a > two', status: 'passed' },
  ]),
  'reports/docs.json': [{ name: 'README.md:10', check: 'docs-example', ok: true }],
  'reports/playwright.json': playwrightReport([playwrightTest('loads', 'expected')]),
}

function run(
  reports: Record<string, unknown>,
  options: {
    ran?: { name: string; ok: boolean }[] | undefined
    ci?: boolean
    allowlist?: unknown
  } = {},
) {
  return summarize({
    planned,
    ran: 'ran' in options ? options.ran : allRan,
    readReport: (file) => {
      if (!(file in reports)) throw new Error(`ENOENT: ${file}`)
      return reports[file]
    },
    allowlist: options.allowlist,
    ci: options.ci ?? false,
  })
}

describe('summarize', () => {
  it('should count every test of a green run and a step without a report as one check', () => {
    const summary = run(greenReports)
    expect(summary).toMatchObject({ passed: 5, failed: 0, skipped: 0, problems: [] })
    expect(summaryLine(summary)).toBe('5 passed, 0 failed, 0 skipped')
  })

  it('should fail a step missing from steps.json, as when the runner is killed during it', () => {
    const summary = run(greenReports, { ran: allRan.slice(0, 3) })
    expect(summary.failed).toBe(1)
    expect(summary.problems).toEqual(['e2e: never ran or never finished (killed?)'])
    expect(summaryLine(summary)).toBe('4 passed, 1 failed, 0 skipped')
  })

  it('should fail when steps.json is missing, even with every report present and green', () => {
    const summary = run(greenReports, { ran: undefined })
    expect(summary.failed).toBeGreaterThan(0)
    expect(summary.problems[0]).toMatch(/steps\.json is missing/)
  })

  it('should fail a step whose report is missing', () => {
    const { 'reports/playwright.json': _, ...rest } = greenReports
    const summary = run(rest)
    expect(summary.failed).toBe(1)
    expect(summary.problems[0]).toMatch(/^e2e: no readable report at reports\/playwright\.json/)
  })

  it.each([
    ['vitest', 'reports/unit.json', vitestReport([])],
    ['checks', 'reports/docs.json', []],
    ['playwright', 'reports/playwright.json', playwrightReport([])],
  ])('should fail an empty %s report', (_, file, empty) => {
    const summary = run({ ...greenReports, [file]: empty })
    expect(summary.failed).toBe(1)
    expect(summary.problems).toEqual([expect.stringMatching(/lists no test$/)])
  })

  it('should fail a report of the wrong shape', () => {
    const summary = run({ ...greenReports, 'reports/unit.json': { numPassedTests: 3 } })
    expect(summary.failed).toBe(1)
    expect(summary.problems[0]).toMatch(/^unit: no readable report/)
  })

  describe('an all-skipped suite', () => {
    const allSkipped = {
      ...greenReports,
      'reports/playwright.json': playwrightReport([
        playwrightTest('signs in', 'skipped'),
        playwrightTest('connects', 'skipped'),
      ]),
    }

    it('should count the skips outside CI', () => {
      const summary = run(allSkipped)
      expect(summaryLine(summary)).toBe('4 passed, 0 failed, 2 skipped')
      expect(summary.skips).toEqual([
        'e2e: [chromium] demo.spec.ts > signs in',
        'e2e: [chromium] demo.spec.ts > connects',
      ])
    })

    it('should fail each skip in CI that the allow-list does not name', () => {
      const summary = run(allSkipped, {
        ci: true,
        allowlist: {
          skips: [{ step: 'e2e', test: '[chromium] demo.spec.ts > connects', reason: 'no popup' }],
        },
      })
      expect(summaryLine(summary)).toBe('4 passed, 1 failed, 1 skipped')
      expect(summary.problems).toEqual([
        'e2e: skipped and not in scripts/skip-allowlist.json: {"step":"e2e","test":"[chromium] demo.spec.ts > signs in"}',
      ])
    })

    it('should not let an entry of another step allow a skip', () => {
      const summary = run(allSkipped, {
        ci: true,
        allowlist: {
          skips: [
            { step: 'unit', test: '[chromium] demo.spec.ts > connects', reason: 'x' },
            { step: 'unit', test: '[chromium] demo.spec.ts > signs in', reason: 'x' },
          ],
        },
      })
      expect(summary.failed).toBe(2)
    })

    it('should refuse an allow-list entry without a reason', () => {
      const summary = run(greenReports, {
        allowlist: { skips: [{ step: 'e2e', test: 'x', reason: ' ' }] },
      })
      expect(summary.failed).toBe(1)
      expect(summary.problems).toEqual([
        'scripts/skip-allowlist.json: skips[0] needs a step, a test and a reason',
      ])
    })
  })

  it('should count todo and pending tests as skipped', () => {
    const summary = run({
      ...greenReports,
      'reports/unit.json': vitestReport([
        { name: 'a', status: 'passed' },
        { name: 'b', status: 'todo' },
        { name: 'c', status: 'pending' },
        { name: 'd', status: 'skipped' },
      ]),
    })
    expect(summaryLine(summary)).toBe('4 passed, 0 failed, 3 skipped')
  })

  describe('a failing hook', () => {
    it('should count a failed beforeAll whose tests were skipped', () => {
      const summary = run({
        ...greenReports,
        'reports/unit.json': vitestReport(
          [
            { name: 'a > one', status: 'skipped' },
            { name: 'a > two', status: 'skipped' },
            { name: 'b > three', status: 'passed' },
          ],
          [{ where: 'src/a.test.ts > a', message: 'Error: boom\n    at x' }],
          'failed',
        ),
      })
      expect(summaryLine(summary)).toBe('4 passed, 1 failed, 2 skipped')
      expect(summary.problems).toEqual(['unit: ERROR src/a.test.ts > a: Error: boom'])
    })

    it('should count each failed hook beside the failed tests of the same file', () => {
      const summary = run({
        ...greenReports,
        'reports/unit.json': vitestReport(
          [
            { name: 'a > one', status: 'failed' },
            { name: 'b > two', status: 'passed' },
          ],
          [
            { where: 'src/a.test.ts > b', message: 'Error: afterAll' },
            { where: 'src/a.test.ts', message: 'Error: top-level afterAll' },
            { where: 'unhandled', message: 'Error: late timer' },
          ],
          'failed',
        ),
      })
      expect(summary.failed).toBe(4)
    })

    it('should count a Playwright beforeAll that failed its first test and skipped the rest', () => {
      const summary = run({
        ...greenReports,
        'reports/playwright.json': playwrightReport([
          playwrightTest('first', 'unexpected'),
          playwrightTest('second', 'skipped'),
        ]),
      })
      expect(summaryLine(summary)).toBe('4 passed, 1 failed, 1 skipped')
    })

    it('should count errors outside any Playwright test, such as a file that fails to load', () => {
      const summary = run({
        ...greenReports,
        'reports/playwright.json': playwrightReport([], [{ message: 'Error: load error\n at' }]),
      })
      expect(summary.failed).toBe(1)
      expect(summary.problems).toEqual(['e2e: ERROR Error: load error'])
    })
  })

  it('should count a flaky or timed-out Playwright test as failed', () => {
    const summary = run({
      ...greenReports,
      'reports/playwright.json': playwrightReport([
        playwrightTest('a', 'flaky'),
        playwrightTest('b', 'unexpected'),
      ]),
    })
    expect(summary.failed).toBe(2)
  })

  it('should fail an interrupted Vitest run even when all it reached passed', () => {
    const summary = run({
      ...greenReports,
      'reports/unit.json': vitestReport([{ name: 'a', status: 'passed' }], [], 'interrupted'),
    })
    expect(summary.failed).toBe(1)
  })

  it('should fail a step that exited non-zero with a green report', () => {
    const summary = run(greenReports, {
      ran: allRan.map((r) => (r.name === 'docs' ? { ...r, ok: false } : r)),
    })
    expect(summary.failed).toBe(1)
    expect(summary.problems).toEqual(['docs: exited non-zero with no failure reported'])
  })

  it('should count a failed step without a report as one failure', () => {
    const summary = run(greenReports, {
      ran: allRan.map((r) => (r.name === 'typecheck' ? { ...r, ok: false } : r)),
    })
    expect(summaryLine(summary)).toBe('4 passed, 1 failed, 0 skipped')
  })

  it('should count a skipped check of a checks report', () => {
    const summary = run({
      ...greenReports,
      'reports/docs.json': [
        { name: 'SEC-1', check: 'security-case', ok: true },
        { name: 'SEC-2', check: 'security-case', ok: true, skipped: true },
      ],
    })
    expect(summaryLine(summary)).toBe('5 passed, 0 failed, 1 skipped')
    expect(summary.skips).toEqual(['docs: SEC-2 security-case'])
  })
})

describe('the steps of pnpm test', () => {
  it('should give every step with a report a format the summary reads', () => {
    for (const step of realSteps) expect(step.report === undefined).toBe(step.format === undefined)
    expect(realSteps.map((s) => s.name)).toEqual(
      expect.arrayContaining(['unit', 'security-cases', 'e2e']),
    )
  })
})

const scriptsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const vitestBin = path.resolve(scriptsDir, '../node_modules/.bin/vitest')

describe('the Vitest reporter', () => {
  it('should report failed hooks, an empty file and a skipped test from a real run', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'oc-summary-'))
    try {
      writeFileSync(
        path.join(dir, 'vitest.config.mjs'),
        'export default { test: { globals: true, include: ["*.check.js"] } }\n',
      )
      writeFileSync(
        path.join(dir, 'hooks.check.js'),
        [
          "describe('before', () => { beforeAll(() => { throw new Error('boom before') }); it('a', () => {}) })",
          "describe('after', () => { afterAll(() => { throw new Error('boom after') }); it('b', () => { expect(1).toBe(2) }) })",
          "it.skip('c', () => {})",
          "it('d', () => {})",
        ].join('\n'),
      )
      writeFileSync(path.join(dir, 'empty.check.js'), 'export {}\n')
      const child = spawnSync(
        vitestBin,
        ['run', '--root', dir, `--reporter=${path.join(scriptsDir, 'lib/vitest-reporter.mjs')}`],
        { cwd: dir, encoding: 'utf8' },
      )
      expect(child.status).toBe(1)
      const report: unknown = JSON.parse(readFileSync(path.join(dir, 'reports/unit.json'), 'utf8'))
      const summary = summarize({
        planned: [planned[1] as Step],
        ran: [{ name: 'unit', ok: false }],
        readReport: () => report,
      })
      expect(summaryLine(summary)).toBe('1 passed, 4 failed, 2 skipped')
      expect(summary.problems).toEqual(
        expect.arrayContaining([
          'unit: FAIL hooks.check.js > after > b',
          'unit: ERROR hooks.check.js > before: Error: boom before',
          'unit: ERROR hooks.check.js > after: Error: boom after',
          expect.stringMatching(/^unit: ERROR empty\.check\.js: Error: No test suite found/),
        ]),
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
