// Prints `N passed, N failed` over every suite of the last `pnpm test`, from the reporters' JSON.
// Steps without a test report (typecheck, lint) count as one check each. A step whose report is
// missing counts as one failure, so a crash can never read as green.
import { existsSync, readFileSync } from 'node:fs'

const read = (file) => JSON.parse(readFileSync(file, 'utf8'))

function countReport(file) {
  const json = read(file)
  if (file.endsWith('vitest.json')) {
    const failedSuites = (json.testResults ?? []).filter(
      (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
    ).length
    return { passed: json.numPassedTests, failed: json.numFailedTests + failedSuites }
  }
  if (file.endsWith('playwright.json')) {
    const s = json.stats
    return { passed: s.expected, failed: s.unexpected + s.flaky + (json.errors?.length ?? 0) }
  }
  // reports/packages.json and reports/budgets.json: [{ name, check, ok }]
  return { passed: json.filter((c) => c.ok).length, failed: json.filter((c) => !c.ok).length }
}

let passed = 0
let failed = 0
const steps = existsSync('reports/steps.json') ? read('reports/steps.json') : []
if (steps.length === 0) failed += 1
for (const step of steps) {
  if (!step.report) {
    if (step.ok) passed += 1
    else failed += 1
    continue
  }
  let counts
  try {
    counts = countReport(step.report)
  } catch {
    counts = { passed: 0, failed: 1 }
  }
  // A runner that failed with every test green (a setup error) still counts as one failure.
  if (!step.ok && counts.failed === 0) counts.failed = 1
  passed += counts.passed
  failed += counts.failed
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
