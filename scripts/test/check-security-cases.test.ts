import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { findTaggedTests, judgeCases, parseCaseList } from '../check-security-cases.mjs'

const source = `
import { describe, expect, it, test } from 'vitest'
// [SEC-9] in a comment is no test
const helper = '[SEC-10] not a test either'
describe('popup', () => {
  beforeAll(() => { console.log('[SEC-11] hook') })
  it('[SEC-1] ignores a look-alike origin', () => { expect(1).toBe(1) })
  it.each([['a'], ['b']])('[SEC-2] ignores %s', async (x) => { await expectOutcome(x) })
  it('[SEC-3] asserts nothing', () => { void 0 })
  test.skip('[SEC-12] a skipped test still counts as tagged', () => { assert.ok(true) })
})
describe('[SEC-4] polling', () => {
  it('reads the completion URL only', () => { expect(2).toBe(2) })
  describe('nested', () => { it('[SEC-5] two tags', () => { expect.soft(3).toBe(3) }) })
})
test.describe('[SEC-6] e2e group', () => {
  test('works', async ({ page }) => { await expect(page).toHaveURL('/') })
})
it('untagged', () => { expect(1).toBe(1) })
`

describe('findTaggedTests', () => {
  const found = findTaggedTests('src/a.test.tsx', source)
  const byTitle = (part: string) => found.find((t) => t.title.includes(part))

  it('should find tagged tests, their .each forms and tests under a tagged describe', () => {
    expect(found.map((t) => t.tags)).toEqual([[1], [2], [3], [12], [4], [4, 5], [6]])
    expect(byTitle('look-alike')).toEqual({
      file: 'src/a.test.tsx',
      title: "'popup' > '[SEC-1] ignores a look-alike origin'",
      tags: [1],
      asserts: true,
    })
  })

  it('should ignore tags in comments, strings outside tests and hooks', () => {
    const tags = found.flatMap((t) => t.tags)
    for (const tag of [9, 10, 11]) expect(tags).not.toContain(tag)
  })

  it('should tell a test that asserts from one that does not', () => {
    expect(byTitle('asserts nothing')?.asserts).toBe(false)
    expect(byTitle('ignores %s')?.asserts).toBe(true) // expectOutcome(...) is an assertion helper
    expect(byTitle('two tags')?.asserts).toBe(true)
    expect(byTitle('works')?.asserts).toBe(true)
  })
})

const cases = [
  { id: 1, title: 'Wrong origin', files: ['src/a.test.ts'] },
  { id: 2, title: 'Wrong source', files: ['src/a.test.ts', 'src/b.test.ts'] },
  { id: 3, title: 'Who we post to', files: [] },
  { id: 4, title: 'Polling', files: ['src/a.test.ts'] },
]
const tagged = (file: string, tags: number[], asserts = true) => ({
  file,
  title: `t ${tags.join(' ')}`,
  tags,
  asserts,
})

describe('judgeCases', () => {
  it('should pass a case whose mapped files each have an asserting tagged test', () => {
    const { results } = judgeCases(cases.slice(0, 1), new Set(), [tagged('src/a.test.ts', [1])])
    expect(results).toEqual([{ id: 1, state: 'ok', notes: [] }])
  })

  it('should fail a case with no tagged test in the tree', () => {
    const { results } = judgeCases(cases.slice(0, 1), new Set(), [tagged('src/a.test.ts', [2])])
    expect(results[0]?.state).toBe('failed')
    expect(results[0]?.notes).toContain('no tagged test in the tree asserts anything')
  })

  it('should fail a case when a mapped file no longer carries its tag', () => {
    const { results } = judgeCases(cases.slice(1, 2), new Set(), [tagged('src/a.test.ts', [2])])
    expect(results[0]).toEqual({
      id: 2,
      state: 'failed',
      notes: ['src/b.test.ts no longer has a [SEC-2] test that asserts'],
    })
  })

  it('should fail a case whose only tagged test asserts nothing', () => {
    const { results } = judgeCases(cases.slice(3), new Set(), [tagged('src/a.test.ts', [4], false)])
    expect(results[0]?.state).toBe('failed')
    expect(results[0]?.notes[0]).toBe('src/a.test.ts: t 4 asserts nothing')
  })

  it('should fail a case that is neither mapped nor pending', () => {
    const { results } = judgeCases(cases.slice(2, 3), new Set(), [tagged('src/c.test.ts', [3])])
    expect(results[0]?.notes).toEqual(['no reviewed test file mapped to it'])
  })

  it('should report a pending case as pending, and name tests that arrived for it', () => {
    const none = judgeCases(cases.slice(2, 3), new Set([3]), [])
    expect(none.results).toEqual([{ id: 3, state: 'pending', notes: ['no tagged test yet'] }])
    const some = judgeCases(cases.slice(2, 3), new Set([3]), [tagged('src/c.test.ts', [3])])
    expect(some.results[0]?.notes[0]).toMatch(/^tagged tests now in src\/c\.test\.ts/)
  })

  it('should name a tag or a pending entry of no known case', () => {
    const { problems } = judgeCases(cases.slice(0, 1), new Set([99]), [
      tagged('src/a.test.ts', [1, 38]),
    ])
    expect(problems).toEqual([
      'src/a.test.ts: t 1 38 carries [SEC-38], no such case',
      'pending lists SEC-99, no such case',
    ])
  })
})

describe('scripts/security-cases.json', () => {
  const json: unknown = JSON.parse(
    readFileSync(new URL('../security-cases.json', import.meta.url), 'utf8'),
  )

  it('should list SECURITY.md cases 1 to 37 once each, mapped or pending', () => {
    const { cases: list, pending } = parseCaseList(json)
    expect(list.map((c) => c.id)).toEqual(Array.from({ length: 37 }, (_, i) => i + 1))
    for (const c of list) expect(c.files.length > 0 || pending.has(c.id)).toBe(true)
  })

  it.each([
    [{ cases: 'no' }, '"cases" must be an array'],
    [{ cases: [{ id: 1 }] }, '"cases[0]" needs a numeric id, a title and files'],
    [{ cases: [], pending: { cases: { 3: '' } } }, '"pending.cases.3" needs a case number'],
    [{ cases: [] }, '"pending.cases" must be an object'],
  ])('should refuse a malformed list (%j)', (bad, message) => {
    expect(() => parseCaseList(bad)).toThrow(message)
  })
})
