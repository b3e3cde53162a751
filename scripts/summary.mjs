// Prints `N passed, N failed, N skipped` over every step of the last `pnpm test`, from
// reports/steps.json and each step's report, and exits 1 on any failure. It cannot read as green
// when something did not run:
// - every step of scripts/steps.mjs must appear in reports/steps.json, and a step with a report
//   must have written one that lists at least one test or check;
// - every failed test, hook, suite, file and error outside a test counts as one failure, and a
//   step that exited non-zero with nothing failed in its report counts as one;
// - skipped, todo and pending tests are counted; with CI=true each one not listed, with its reason,
//   in scripts/skip-allowlist.json counts as a failure instead.
// Problems are printed above the line; the line is always the last thing printed.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { steps as plannedSteps } from './steps.mjs'

/** @typedef {import('./steps.mjs').Step} Step */
/** @typedef {import('./steps.mjs').ReportFormat} ReportFormat */
/** @typedef {'passed' | 'failed' | 'skipped'} Outcome */
/** @typedef {{ id: string, outcome: Outcome }} TestOutcome */
/** @typedef {{ tests: TestOutcome[], errors: string[] }} Normalized */
/** @typedef {{ name: string, ok: boolean }} StepRun what scripts/test.mjs writes per step */
/** @typedef {{ step: string, test: string, reason: string }} AllowedSkip */
/**
 * @typedef {object} Summary
 * @property {number} passed
 * @property {number} failed
 * @property {number} skipped
 * @property {string[]} problems one line per failure that is not a failed test's own line
 * @property {string[]} skips every skip, as `step: id`, listed or not
 */

export const allowlistFile = 'scripts/skip-allowlist.json'

/** @param {unknown} value @returns {value is Record<string, unknown>} */
const isRecord = (value) => typeof value === 'object' && value !== null && !Array.isArray(value)

/** @param {unknown} value @returns {unknown[]} */
const arrayOf = (value) => (Array.isArray(value) ? value : [])

/** @param {unknown} value @returns {string} */
const text = (value) => (typeof value === 'string' ? value : '')

/**
 * Reads a report of scripts/lib/vitest-reporter.mjs.
 * @param {unknown} json
 * @returns {Normalized}
 */
export function fromVitest(json) {
  if (!isRecord(json) || json.tool !== 'vitest') throw new Error('not a report of our reporter')
  /** @type {TestOutcome[]} */
  const tests = arrayOf(json.tests).map((t) => {
    const test = isRecord(t) ? t : {}
    const status = text(test.status)
    /** @type {Outcome} */
    const outcome = status === 'passed' ? 'passed' : status === 'failed' ? 'failed' : 'skipped'
    return { id: `${text(test.file)} > ${text(test.name)}`, outcome }
  })
  const errors = arrayOf(json.errors).map((e) => {
    const error = isRecord(e) ? e : {}
    return `${text(error.where)}: ${text(error.message).split('\n')[0]}`
  })
  // An interrupted run (bail, a signal) fails even when everything it reached passed.
  if (json.reason === 'interrupted') errors.push('the run was interrupted')
  return { tests, errors }
}

/**
 * Reads Playwright's JSON report. A failing hook fails the test it ran for, and the tests it
 * kept from running are reported skipped.
 * @param {unknown} json
 * @returns {Normalized}
 */
export function fromPlaywright(json) {
  if (!isRecord(json) || !Array.isArray(json.suites)) throw new Error('not a Playwright report')
  /** @type {TestOutcome[]} */
  const tests = []
  /** @param {unknown} s @param {string[]} titles */
  const walk = (s, titles) => {
    if (!isRecord(s)) return
    const here = text(s.title) === '' ? titles : [...titles, text(s.title)]
    for (const sp of arrayOf(s.specs)) {
      const spec = isRecord(sp) ? sp : {}
      for (const t of arrayOf(spec.tests)) {
        const test = isRecord(t) ? t : {}
        const status = text(test.status)
        /** @type {Outcome} */
        const outcome =
          status === 'expected' ? 'passed' : status === 'skipped' ? 'skipped' : 'failed'
        const project = text(test.projectName)
        const id = [...here, text(spec.title)].join(' > ')
        tests.push({ id: project === '' ? id : `[${project}] ${id}`, outcome })
      }
    }
    for (const child of arrayOf(s.suites)) walk(child, here)
  }
  for (const suite of json.suites) walk(suite, [])
  const errors = arrayOf(json.errors).map((e) => {
    const error = isRecord(e) ? e : {}
    return text(error.message).split('\n')[0] || 'an error outside any test'
  })
  return { tests, errors }
}

/**
 * Reads the checks reports of our scripts: `[{ name, check, ok, skipped? }]`.
 * @param {unknown} json
 * @returns {Normalized}
 */
export function fromChecks(json) {
  if (!Array.isArray(json)) throw new Error('not a list of checks')
  /** @type {TestOutcome[]} */
  const tests = json.map((c) => {
    const check = isRecord(c) ? c : {}
    /** @type {Outcome} */
    const outcome = check.skipped === true ? 'skipped' : check.ok === true ? 'passed' : 'failed'
    return { id: `${text(check.name)} ${text(check.check)}`.trim(), outcome }
  })
  return { tests, errors: [] }
}

/** @type {Record<ReportFormat, (json: unknown) => Normalized>} */
const readers = { vitest: fromVitest, playwright: fromPlaywright, checks: fromChecks }

/**
 * Reads the allow-list of skips: `{ skips: [{ step, test, reason }] }`. An entry without a
 * step, a test or a reason is a problem of its own.
 * @param {unknown} json
 * @returns {{ allowed: AllowedSkip[], problems: string[] }}
 */
export function parseAllowlist(json) {
  /** @type {AllowedSkip[]} */
  const allowed = []
  /** @type {string[]} */
  const problems = []
  if (json === undefined) return { allowed, problems }
  if (!isRecord(json) || !Array.isArray(json.skips)) {
    return { allowed, problems: [`${allowlistFile}: expected { "skips": [...] }`] }
  }
  for (const [i, entry] of json.skips.entries()) {
    const e = isRecord(entry) ? entry : {}
    const step = text(e.step).trim()
    const test = text(e.test).trim()
    const reason = text(e.reason).trim()
    if (step === '' || test === '' || reason === '') {
      problems.push(`${allowlistFile}: skips[${i}] needs a step, a test and a reason`)
    } else {
      allowed.push({ step, test, reason })
    }
  }
  return { allowed, problems }
}

/**
 * Counts a run. Pure: every input is passed in, so tests can fabricate any run.
 * @param {object} run
 * @param {readonly Step[]} run.planned the steps scripts/test.mjs runs
 * @param {readonly StepRun[] | undefined} run.ran reports/steps.json, undefined when missing
 * @param {(file: string) => unknown} run.readReport parsed JSON of a report; throws when missing
 * @param {unknown} [run.allowlist] parsed scripts/skip-allowlist.json, undefined when missing
 * @param {boolean} [run.ci] CI=true: unlisted skips fail
 * @returns {Summary}
 */
export function summarize({ planned, ran, readReport, allowlist, ci = false }) {
  let passed = 0
  let failed = 0
  let skipped = 0
  /** @type {string[]} */
  const problems = []
  /** @type {string[]} */
  const skips = []
  /** @param {string} problem */
  const fail = (problem) => {
    failed += 1
    problems.push(problem)
  }

  const { allowed, problems: allowlistProblems } = parseAllowlist(allowlist)
  for (const p of allowlistProblems) fail(p)

  if (ran === undefined) fail('reports/steps.json is missing: no step finished')
  const byName = new Map((ran ?? []).map((r) => [r.name, r]))
  for (const r of ran ?? []) {
    if (!planned.some((s) => s.name === r.name)) fail(`${r.name}: ran but is not a planned step`)
  }

  for (const step of planned) {
    const run = byName.get(step.name)
    if (run === undefined) {
      if (ran !== undefined) fail(`${step.name}: never ran or never finished (killed?)`)
      continue
    }
    if (step.report === undefined || step.format === undefined) {
      if (run.ok) passed += 1
      else fail(`${step.name}: failed`)
      continue
    }
    /** @type {Normalized} */
    let report
    try {
      report = readers[step.format](readReport(step.report))
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error)
      fail(`${step.name}: no readable report at ${step.report} (${why})`)
      continue
    }
    if (report.tests.length === 0 && report.errors.length === 0) {
      fail(`${step.name}: ${step.report} lists no test`)
      continue
    }
    let failedHere = 0
    for (const test of report.tests) {
      if (test.outcome === 'passed') passed += 1
      else if (test.outcome === 'failed') {
        failed += 1
        failedHere += 1
        problems.push(`${step.name}: FAIL ${test.id}`)
      } else {
        skips.push(`${step.name}: ${test.id}`)
        const listed = allowed.some((a) => a.step === step.name && a.test === test.id)
        if (ci && !listed) {
          failed += 1
          failedHere += 1
          problems.push(
            `${step.name}: skipped and not in ${allowlistFile}: ${JSON.stringify({ step: step.name, test: test.id })}`,
          )
        } else skipped += 1
      }
    }
    for (const error of report.errors) {
      failed += 1
      failedHere += 1
      problems.push(`${step.name}: ERROR ${error}`)
    }
    // A runner that failed with nothing failed in its report (a setup error) still fails.
    if (!run.ok && failedHere === 0) fail(`${step.name}: exited non-zero with no failure reported`)
  }
  if (passed === 0) fail('nothing passed')
  return { passed, failed, skipped, problems, skips }
}

/**
 * The last line of `pnpm test`.
 * @param {Pick<Summary, 'passed' | 'failed' | 'skipped'>} summary
 * @returns {string}
 */
export const summaryLine = ({ passed, failed, skipped }) =>
  `${passed} passed, ${failed} failed, ${skipped} skipped`

/** @param {string} file @returns {unknown} */
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))

/** @param {string} file @returns {unknown} */
const readIfPresent = (file) => (existsSync(file) ? readJson(file) : undefined)

const script = process.argv[1]
if (script !== undefined && import.meta.url === pathToFileURL(path.resolve(script)).href) {
  process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'))
  /** @type {StepRun[] | undefined} */
  let ran
  /** @type {unknown} */
  let allowlist
  /** @type {string[]} */
  const readErrors = []
  try {
    const json = readIfPresent('reports/steps.json')
    ran = json === undefined ? undefined : arrayOf(json).filter(isStepRun)
  } catch {
    readErrors.push('reports/steps.json is not JSON')
    ran = []
  }
  try {
    allowlist = readIfPresent(allowlistFile)
  } catch {
    allowlist = { skips: 'not JSON' }
  }
  const summary = summarize({
    planned: plannedSteps,
    ran,
    readReport: readJson,
    allowlist,
    ci: process.env.CI === 'true' || process.env.CI === '1',
  })
  const problems = [...readErrors, ...summary.problems]
  if (problems.length > 0) console.log(`\n${problems.join('\n')}`)
  if (summary.skips.length > 0 && process.env.CI !== 'true' && process.env.CI !== '1') {
    console.log(
      `\nskipped (CI fails unless listed in ${allowlistFile}):\n${summary.skips.join('\n')}`,
    )
  }
  console.log(summaryLine(summary))
  process.exit(summary.failed === 0 && readErrors.length === 0 ? 0 : 1)
}

/** @param {unknown} value @returns {value is StepRun} */
function isStepRun(value) {
  return isRecord(value) && typeof value.name === 'string' && typeof value.ok === 'boolean'
}
