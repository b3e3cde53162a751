import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MockForTests, startMockForTests } from '../testing.ts'
import { resultTypes, seededSources } from './dataSources.ts'
import { openSession, type TestSession } from './testHelpers.ts'

const searchQuery = `query($searchInput: SearchHealthResourcesInput) {
  searchHealthResources(searchInput: $searchInput) {
    pagingInfo { pageNumber pageSize totalItems totalPages }
    filterValues { field values { value count } }
    results { id type content endpoint { name } npi gender specialty { code display system }
      organization { name } location { name address { city state line postalCode country } position { latitude longitude } distanceInMiles } }
  } }`
const dataSourceQuery =
  'query($c: String!) { getDataSource(connectionId: $c) { id name category type integrationType } }'

interface Result {
  id: string | null
  type: string | null
  content: string | null
  endpoint: { name: string | null }[] | null
}

describe('b.well search', () => {
  let mock: MockForTests
  let session: TestSession
  beforeAll(async () => {
    mock = await startMockForTests()
    session = await openSession(mock)
  })
  afterAll(async () => {
    await mock.close()
  })

  async function search(searchInput: unknown) {
    const res = await session.q(searchQuery, { searchInput })
    expect(res.body.errors).toBeUndefined()
    return res.body.data.searchHealthResources as {
      pagingInfo: { pageNumber: number; pageSize: number; totalItems: number; totalPages: number }
      results: Result[]
      filterValues: { field: string; values: { value: string; count: number }[] }[]
    }
  }

  async function everything(input: Record<string, unknown> = {}): Promise<Result[]> {
    return (await search({ ...input, paging: { pageNumber: 0, pageSize: 100 } })).results
  }

  it('should seed at least 30 sources: all five types, OAUTH and BASIC, some without an endpoint', async () => {
    const active = seededSources.filter((s) => !s.inactive)
    const all = await everything()
    expect(all.length).toBe(active.length)
    expect(all.length).toBeGreaterThanOrEqual(30)
    expect(new Set(all.map((r) => r.type))).toEqual(new Set(resultTypes))
    expect(all.some((r) => r.endpoint === null)).toBe(true)
    const categories = new Set<string>()
    for (const result of all) {
      const slug = result.endpoint?.[0]?.name
      if (!slug) continue
      const ds = await session.q(dataSourceQuery, { c: slug })
      expect(ds.body.data.getDataSource.id).toBe(slug)
      expect(ds.body.data.getDataSource.name).toBe(result.content)
      categories.add(ds.body.data.getDataSource.category)
    }
    expect(categories).toEqual(new Set(['OAUTH', 'BASIC']))
  })

  it('should page from 0 with 20 by default and an exact pagingInfo, nulls meaning not given', async () => {
    const total = seededSources.filter((s) => !s.inactive).length
    for (const input of [
      null,
      {},
      {
        search: null,
        filters: null,
        orderBy: null,
        searchLocation: null,
        paging: { pageNumber: null, pageSize: null },
      },
    ]) {
      const first = await search(input)
      expect(first.pagingInfo).toEqual({
        pageNumber: 0,
        pageSize: 20,
        totalItems: total,
        totalPages: Math.ceil(total / 20),
      })
      expect(first.results).toHaveLength(20)
    }
    const second = await search({ paging: { pageNumber: 1, pageSize: 20 } })
    expect(second.results).toHaveLength(total - 20)
    const third = await search({ paging: { pageNumber: 2, pageSize: 20 } })
    expect(third.results).toEqual([])
    expect(third.pagingInfo.totalItems).toBe(total)
    const pagesOf7 = await search({ paging: { pageNumber: 0, pageSize: 7 } })
    expect(pagesOf7.pagingInfo).toEqual({
      pageNumber: 0,
      pageSize: 7,
      totalItems: total,
      totalPages: Math.ceil(total / 7),
    })
    const ids = new Set<string | null>()
    for (let page = 0; page < pagesOf7.pagingInfo.totalPages; page++) {
      for (const r of (await search({ paging: { pageNumber: page, pageSize: 7 } })).results)
        ids.add(r.id)
    }
    expect(ids.size).toBe(total)
  })

  it.each([
    [{ pageNumber: 0, pageSize: 0 }, /pageSize/],
    [{ pageNumber: 0, pageSize: 101 }, /pageSize/],
    [{ pageNumber: -1, pageSize: 10 }, /pageNumber/],
  ])('should refuse paging %j with a 400 value error', async (paging, message) => {
    const res = await session.q(searchQuery, { searchInput: { paging } })
    expect(res.status).toBe(200)
    expect(res.body.data).toBeNull()
    expect(res.body.errors[0].extensions.code).toBe('400')
    expect(res.body.errors[0].extensions.resource.issue[0].code).toBe('value')
    expect(res.body.errors[0].message).toMatch(message)
  })

  it('should filter by type', async () => {
    const labs = await everything({ filters: { type: ['LABORATORY'] } })
    expect(labs.length).toBe(
      seededSources.filter((s) => s.type === 'LABORATORY' && !s.inactive).length,
    )
    expect(labs.every((r) => r.type === 'LABORATORY')).toBe(true)
    const two = await everything({ filters: { type: ['PHARMACY', 'INSURANCE'] } })
    expect(new Set(two.map((r) => r.type))).toEqual(new Set(['PHARMACY', 'INSURANCE']))
  })

  it('should narrow to connectable sources with DATA_CONNECTIONS and to populated ones with includePopulatedProaOnly', async () => {
    const connectable = await everything({ searchContext: 'DATA_CONNECTIONS' })
    expect(connectable.every((r) => r.endpoint?.[0]?.name)).toBe(true)
    expect(connectable.length).toBe(seededSources.filter((s) => s.slug && !s.inactive).length)
    const populated = await everything({ filters: { includePopulatedProaOnly: true } })
    expect(populated.every((r) => r.endpoint?.[0]?.name)).toBe(true)
    expect(populated.length).toBeLessThan(connectable.length)
    expect(populated.map((r) => r.endpoint?.[0]?.name)).not.toContain('sunrise-family-practice')
    const findCare = await everything({ searchContext: 'FIND_CARE' })
    expect(findCare.some((r) => r.endpoint === null)).toBe(true)
  })

  it('should match search text on name, city and specialty, every word', async () => {
    const [epic] = await everything({ search: 'epic' })
    expect(epic?.content).toBe('Epic Sandbox Health')
    expect(epic?.endpoint).toEqual([{ name: 'epic-sandbox' }])
    const cardio = await everything({ search: 'cardio' })
    expect(cardio.map((r) => r.content).sort()).toEqual([
      'Coastal Cardiology Associates',
      'Elena Ruiz, MD',
    ])
    const both = await everything({ search: 'seattle pharmacy' })
    expect(both).toEqual([])
    const austinRx = await everything({ search: 'austin rx' })
    expect(austinRx.map((r) => r.content)).toEqual(['Greenleaf Rx'])
    expect(await everything({ search: 'zzzz-nothing' })).toEqual([])
  })

  it('should hide inactive sources unless includeInactive, and sort by content on request', async () => {
    expect((await everything({ search: 'oakridge' })).length).toBe(0)
    expect(
      (await everything({ search: 'oakridge', filters: { includeInactive: true } })).length,
    ).toBe(1)
    const desc = await everything({ orderBy: [{ field: 'CONTENT', order: 'DESC' }] })
    const names = desc.map((r) => r.content ?? '')
    expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a, 'en')))
  })

  it('should give null for data a source lacks rather than inventing it', async () => {
    const [clinic] = await everything({ search: 'metro community' })
    expect(clinic).toMatchObject({ endpoint: null, type: 'PRACTICE' })
    const [lab] = await everything({ search: 'summit' })
    expect(lab).toMatchObject({ npi: null, gender: null, organization: null })
  })

  it('should answer getDataSource with 404 for an unknown slug', async () => {
    const res = await session.q(dataSourceQuery, { c: 'nope' })
    expect(res.body.data).toBeNull()
    expect(res.body.errors[0].extensions.code).toBe('404')
    expect(res.body.errors[0].extensions.resource.issue[0].code).toBe('not-found')
  })
})
