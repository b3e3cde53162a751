// A Vitest reporter that writes what the summary line needs and Vitest's JSON reporter drops: the
// errors of each failed hook, suite and file, and errors outside any test. Writes
// reports/unit.json as { tool: 'vitest', tests, errors, reason }.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** @typedef {import('vitest/node').TestModule} TestModule */
/** @typedef {import('vitest/node').TestSuite} TestSuite */
/** @typedef {import('vitest/node').TestCase} TestCase */

/**
 * @param {ReadonlyArray<{ message?: string, name?: string }> | undefined} errors
 * @returns {string[]}
 */
const messages = (errors) => (errors ?? []).map((e) => `${e.name ?? 'Error'}: ${e.message ?? ''}`)

export default class SummaryReporter {
  /** @param {{ outputFile?: string }} [options] */
  constructor(options = {}) {
    this.outputFile = options.outputFile ?? 'reports/unit.json'
  }

  /**
   * @param {ReadonlyArray<TestModule>} testModules
   * @param {ReadonlyArray<{ message?: string, name?: string }>} unhandledErrors
   * @param {string} reason
   */
  onTestRunEnd(testModules, unhandledErrors, reason) {
    const tests = []
    const errors = []
    for (const module of testModules) {
      const file = path.relative(process.cwd(), module.moduleId)
      for (const message of messages(module.errors())) errors.push({ where: file, message })
      if (module.state() === 'failed' && module.errors().length === 0 && !module.children.size) {
        errors.push({ where: file, message: 'the file failed with no test and no error' })
      }
      for (const suite of module.children.allSuites()) {
        for (const message of messages(suite.errors()))
          errors.push({ where: `${file} > ${suite.fullName}`, message })
      }
      for (const test of module.children.allTests()) {
        const result = test.result()
        tests.push({
          file,
          name: test.fullName,
          status: test.options.mode === 'todo' ? 'todo' : result.state,
        })
      }
    }
    for (const message of messages(unhandledErrors)) errors.push({ where: 'unhandled', message })
    const report = { tool: 'vitest', reason, tests, errors }
    mkdirSync(path.dirname(this.outputFile), { recursive: true })
    writeFileSync(this.outputFile, `${JSON.stringify(report, null, 2)}\n`)
  }
}
