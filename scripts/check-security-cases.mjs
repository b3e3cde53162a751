// Checks that every case of scripts/security-cases.json (SECURITY.md's SEC-1..37) is proven by at
// least one test whose title carries its tag `[SEC-n]` and whose body asserts (calls `expect…` or
// `assert…`), and that each test file the hand-reviewed list maps to a case still carries that
// tag. A case in the list's "pending" section is reported skipped instead. Tests are found with
// the TypeScript parser: `it`, `test`, `describe`, `test.describe`, their `.each(...)` forms; a
// tag on a describe applies to every test inside it.
// Prints one line per case, writes reports/security-cases.json ([{ name, check, ok, skipped? }]),
// exits 1 on any failure.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'

/**
 * @typedef {object} TaggedTest
 * @property {string} file repository-relative path
 * @property {string} title the test's title as written, describe titles first
 * @property {number[]} tags the case numbers in the title or in an enclosing describe's
 * @property {boolean} asserts whether its body calls `expect…` or `assert…`
 */
/**
 * @typedef {object} SecurityCase
 * @property {number} id
 * @property {string} title
 * @property {string} [behaviour]
 * @property {string[]} files the test files a reviewer found proving it
 */
/**
 * @typedef {object} CaseResult
 * @property {number} id
 * @property {'ok' | 'failed' | 'pending'} state
 * @property {string[]} notes why it failed, or what a pending case has by now
 */

const tagPattern = /\[SEC-(\d+)\]/g
const testNames = new Set(['it', 'test'])
const suiteNames = new Set(['describe', 'suite'])
// Hooks and helpers of the test API, not tests. `skip`, `only`, `todo`, `fixme` and `fail` with a
// title and a function are still tests.
const notTests = new Set([
  'beforeAll',
  'beforeEach',
  'afterAll',
  'afterEach',
  'step',
  'use',
  'extend',
  'info',
  'setTimeout',
  'slow',
  'configure',
])

/**
 * The identifier a call chain such as `it.each([...])` or `test.describe.serial` starts from,
 * and the property names along the way.
 * @param {ts.Expression} callee
 * @returns {{ root: string, names: string[] }}
 */
function chainOf(callee) {
  /** @type {string[]} */
  const names = []
  let node = callee
  for (;;) {
    if (ts.isPropertyAccessExpression(node)) {
      names.unshift(node.name.text)
      node = node.expression
    } else if (ts.isCallExpression(node)) {
      node = node.expression
    } else break
  }
  return { root: ts.isIdentifier(node) ? node.text : '', names }
}

/** @param {string} text @returns {number[]} */
export function tagsIn(text) {
  return [...text.matchAll(tagPattern)].map((m) => Number(m[1]))
}

/** @param {ts.Node} body @returns {boolean} */
function asserts(body) {
  let found = false
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (found) return
    if (ts.isCallExpression(node)) {
      const { root } = chainOf(node.expression)
      if (/^(expect|assert)/.test(root)) {
        found = true
        return
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(body)
  return found
}

/**
 * Finds the tests of one file that carry a `[SEC-n]` tag, in their title or an enclosing
 * describe's.
 * @param {string} file repository-relative path, for the results
 * @param {string} source the file's text
 * @returns {TaggedTest[]}
 */
export function findTaggedTests(file, source) {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, scriptKind(file))
  /** @type {TaggedTest[]} */
  const found = []
  /** @param {ts.Node} node @param {string[]} titles */
  const visit = (node, titles) => {
    if (ts.isCallExpression(node)) {
      const { root, names } = chainOf(node.expression)
      const first = node.arguments[0]
      const fn = [...node.arguments]
        .reverse()
        .find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a))
      const isSuite = suiteNames.has(root) || (testNames.has(root) && names[0] === 'describe')
      const isTest = !isSuite && testNames.has(root) && !names.some((n) => notTests.has(n))
      if (first !== undefined && fn !== undefined && (isSuite || isTest)) {
        const title = first.getText(sf)
        if (isSuite) {
          ts.forEachChild(fn.body, (child) => visit(child, [...titles, title]))
          return
        }
        const fullTitle = [...titles, title].join(' > ')
        const tags = [...new Set(tagsIn(fullTitle))]
        if (tags.length > 0) found.push({ file, title: fullTitle, tags, asserts: asserts(fn.body) })
        return
      }
    }
    ts.forEachChild(node, (child) => visit(child, titles))
  }
  visit(sf, [])
  return found
}

/** @param {string} file */
function scriptKind(file) {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX
  if (/\.[cm]?js$/.test(file)) return ts.ScriptKind.JS
  return ts.ScriptKind.TS
}

/**
 * Judges every case against the tagged tests found in the tree.
 * @param {readonly SecurityCase[]} cases
 * @param {ReadonlySet<number>} pending case numbers listed as pending
 * @param {readonly TaggedTest[]} tests
 * @returns {{ results: CaseResult[], problems: string[] }} problems: tags of no known case
 */
export function judgeCases(cases, pending, tests) {
  const known = new Set(cases.map((c) => c.id))
  const problems = []
  for (const test of tests) {
    for (const tag of test.tags) {
      if (!known.has(tag))
        problems.push(`${test.file}: ${test.title} carries [SEC-${tag}], no such case`)
    }
  }
  for (const id of pending) {
    if (!known.has(id)) problems.push(`pending lists SEC-${id}, no such case`)
  }
  /** @type {CaseResult[]} */
  const results = cases.map((c) => {
    const tagged = tests.filter((t) => t.tags.includes(c.id))
    const proving = tagged.filter((t) => t.asserts)
    if (pending.has(c.id)) {
      const files = [...new Set(proving.map((t) => t.file))]
      return {
        id: c.id,
        state: 'pending',
        notes:
          files.length === 0
            ? ['no tagged test yet']
            : [
                `tagged tests now in ${files.join(', ')}: review them, list their files under the case and take it out of pending`,
              ],
      }
    }
    const notes = []
    for (const t of tagged.filter((test) => !test.asserts)) {
      notes.push(`${t.file}: ${t.title} asserts nothing`)
    }
    if (proving.length === 0) notes.push('no tagged test in the tree asserts anything')
    if (c.files.length === 0) notes.push('no reviewed test file mapped to it')
    for (const file of c.files) {
      if (!proving.some((t) => t.file === file)) {
        notes.push(`${file} no longer has a [SEC-${c.id}] test that asserts`)
      }
    }
    return { id: c.id, state: notes.length === 0 ? 'ok' : 'failed', notes }
  })
  return { results, problems }
}

/**
 * Reads and validates scripts/security-cases.json.
 * @param {unknown} json
 * @returns {{ cases: SecurityCase[], pending: Set<number> }}
 */
export function parseCaseList(json) {
  if (typeof json !== 'object' || json === null) throw new TypeError('expected an object')
  const { cases, pending } = /** @type {{ cases?: unknown, pending?: unknown }} */ (json)
  if (!Array.isArray(cases)) throw new TypeError('"cases" must be an array')
  /** @type {SecurityCase[]} */
  const list = cases.map((c, i) => {
    const { id, title, files } = /** @type {Record<string, unknown>} */ (c ?? {})
    if (typeof id !== 'number' || typeof title !== 'string' || !Array.isArray(files)) {
      throw new TypeError(`"cases[${i}]" needs a numeric id, a title and files`)
    }
    return { id, title, files: files.map(String) }
  })
  const ids = list.map((c) => c.id)
  if (new Set(ids).size !== ids.length) throw new TypeError('"cases" has a duplicate id')
  const entries =
    typeof pending === 'object' && pending !== null
      ? /** @type {{ cases?: unknown }} */ (pending).cases
      : undefined
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw new TypeError('"pending.cases" must be an object of case number to reason')
  }
  const pendingIds = new Set()
  for (const [key, reason] of Object.entries(entries)) {
    if (!/^\d+$/.test(key) || typeof reason !== 'string' || reason.trim() === '') {
      throw new TypeError(`"pending.cases.${key}" needs a case number and a reason`)
    }
    pendingIds.add(Number(key))
  }
  return { cases: list, pending: pendingIds }
}

const skipDirs = new Set(['node_modules', 'dist', 'reports', 'test-results', 'playwright-report'])
const testFile = /\.(test|spec)\.[cm]?[jt]sx?$/

/**
 * Every test file under `dirs`, repository-relative.
 * @param {string} root
 * @param {readonly string[]} dirs
 * @returns {string[]}
 */
export function findTestFiles(root, dirs) {
  /** @type {string[]} */
  const files = []
  /** @param {string} dir */
  const walk = (dir) => {
    let entries
    try {
      entries = readdirSync(path.join(root, dir), { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const rel = path.posix.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (!skipDirs.has(entry.name) && !entry.name.startsWith('.')) walk(rel)
      } else if (testFile.test(entry.name)) files.push(rel)
    }
  }
  for (const dir of dirs) walk(dir)
  return files.sort()
}

const script = process.argv[1]
if (script !== undefined && import.meta.url === pathToFileURL(path.resolve(script)).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  const listFile = 'scripts/security-cases.json'
  const { cases, pending } = parseCaseList(
    JSON.parse(readFileSync(path.join(root, listFile), 'utf8')),
  )
  const tests = findTestFiles(root, ['packages', 'apps', 'e2e', 'bench']).flatMap((file) =>
    findTaggedTests(file, readFileSync(path.join(root, file), 'utf8')),
  )
  const { results, problems } = judgeCases(cases, pending, tests)
  const report = results.map((r) => ({
    name: `SEC-${r.id}`,
    check: 'security-case',
    ok: r.state !== 'failed',
    ...(r.state === 'pending' ? { skipped: true } : {}),
  }))
  for (const problem of problems) report.push({ name: problem, check: 'security-tag', ok: false })
  for (const r of results) {
    const title = cases.find((c) => c.id === r.id)?.title ?? ''
    const label = r.state === 'ok' ? 'ok     ' : r.state === 'pending' ? 'PENDING' : 'FAIL   '
    console.log(`${label} SEC-${r.id} ${title}`)
    if (r.state !== 'ok') for (const note of r.notes) console.log(`          ${note}`)
  }
  for (const problem of problems) console.log(`FAIL    ${problem}`)
  const failed = report.filter((r) => !r.ok).length
  console.log(
    `${results.filter((r) => r.state === 'ok').length} cases proven, ${failed} failed, ${pending.size} pending (${listFile})`,
  )
  mkdirSync(path.join(root, 'reports'), { recursive: true })
  writeFileSync(
    path.join(root, 'reports', 'security-cases.json'),
    `${JSON.stringify(report, null, 2)}\n`,
  )
  process.exitCode = failed > 0 ? 1 : 0
}
