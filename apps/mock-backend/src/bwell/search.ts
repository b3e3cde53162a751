import { type SeededSource, seededSources } from './dataSources.ts'
import { bwellError } from './errors.ts'

/** b.well SDK's page-size default, and the range it allows. */
export const defaultPageSize = 20
export const maxPageSize = 100

/** The subset of `SearchHealthResourcesInput` the mock acts on; every field may be `null`. */
export interface SearchInput {
  search?: string | null
  paging?: { pageNumber?: number | null; pageSize?: number | null } | null
  filters?: {
    type?: readonly (string | null)[] | null
    id?: readonly (string | null)[] | null
    gender?: string | null
    includeInactive?: boolean | null
    includePopulatedProaOnly?: boolean | null
    specialty?: readonly ({ code?: string | null; display?: string | null } | null)[] | null
  } | null
  orderBy?: readonly ({ field?: string | null; order?: string | null } | null)[] | null
  searchContext?: string | null
  searchLocation?: {
    lat: number
    lon: number
    radius?: number | null
    radiusUnit?: string | null
  } | null
}

const milesPer: Record<string, number> = { MILES: 1, KILOMETERS: 0.621371, METERS: 0.000621371 }

function distanceMiles(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2
  return 3958.8 * 2 * Math.asin(Math.sqrt(a))
}

function haystack(source: SeededSource): string {
  return [
    source.name,
    source.slug,
    source.city,
    source.state,
    source.specialty?.display,
    source.organization,
  ]
    .filter((v): v is string => typeof v === 'string')
    .join(' ')
    .toLowerCase()
}

function present<T>(list: readonly (T | null)[] | null | undefined): T[] | undefined {
  if (list === null || list === undefined) return undefined
  const values = list.filter((v): v is T => v !== null)
  return values.length > 0 ? values : undefined
}

/**
 * `searchHealthResources`. `null` anywhere means "not given". Paging counts pages from 0;
 * `pageSize` defaults to 20 and must be 1..100.
 * @throws a b.well `400` error for a page size or number out of range
 */
export function searchHealthResources(input: SearchInput | null | undefined) {
  const pageSize = input?.paging?.pageSize ?? defaultPageSize
  const pageNumber = input?.paging?.pageNumber ?? 0
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
    throw bwellError('400', `paging.pageSize must be an integer from 1 to ${maxPageSize}`)
  }
  if (!Number.isInteger(pageNumber) || pageNumber < 0) {
    throw bwellError('400', 'paging.pageNumber must be an integer ≥ 0 (pages count from 0)')
  }
  const filters = input?.filters ?? undefined
  const types = present(filters?.type)
  const ids = present(filters?.id)
  const specialties = present(filters?.specialty)
  const words = (input?.search ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
  const location = input?.searchLocation ?? undefined
  const radiusMiles =
    location?.radius === null || location?.radius === undefined
      ? undefined
      : location.radius * (milesPer[location.radiusUnit ?? 'MILES'] ?? 1)
  const distanceOf = (source: SeededSource) =>
    location ? distanceMiles(location.lat, location.lon, source.lat, source.lon) : undefined

  let matches = seededSources.filter((source) => {
    if (source.inactive && filters?.includeInactive !== true) return false
    if (filters?.includePopulatedProaOnly === true && !(source.populated && source.slug))
      return false
    if (input?.searchContext === 'DATA_CONNECTIONS' && source.slug === undefined) return false
    if (types && !types.includes(source.type)) return false
    if (ids && !ids.includes(source.id) && !(source.slug && ids.includes(source.slug))) return false
    if (filters?.gender && source.gender !== filters.gender) return false
    if (
      specialties &&
      !specialties.some(
        (s) => s.code === source.specialty?.code || s.display === source.specialty?.display,
      )
    ) {
      return false
    }
    const text = haystack(source)
    if (!words.every((w) => text.includes(w))) return false
    if (radiusMiles !== undefined && (distanceOf(source) ?? 0) > radiusMiles) return false
    return true
  })

  const order = present(input?.orderBy)?.[0]
  const byName = (a: SeededSource, b: SeededSource) => a.name.localeCompare(b.name, 'en')
  const first = words[0]
  if (order?.field === 'CONTENT') {
    matches.sort(byName)
    if (order.order === 'DESC') matches.reverse()
  } else if (order?.field === 'DISTANCE' && location) {
    matches.sort((a, b) => (distanceOf(a) ?? 0) - (distanceOf(b) ?? 0))
    if (order.order === 'DESC') matches.reverse()
  } else {
    // Relevance: names that start with the first word first, then by name.
    const starts = (s: SeededSource) => (first && s.name.toLowerCase().startsWith(first) ? 0 : 1)
    matches = matches.sort((a, b) => starts(a) - starts(b) || byName(a, b))
  }

  const totalItems = matches.length
  const page = matches.slice(pageNumber * pageSize, (pageNumber + 1) * pageSize)
  const count = (values: (string | undefined)[]) => {
    const counts = new Map<string, number>()
    for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1)
    return [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([value, n]) => ({ value, count: n }))
  }
  return {
    pagingInfo: { pageNumber, pageSize, totalItems, totalPages: Math.ceil(totalItems / pageSize) },
    filterValues: [
      { field: 'SPECIALTY', values: count(matches.map((m) => m.specialty?.display)) },
      { field: 'GENDER', values: count(matches.map((m) => m.gender)) },
    ],
    results: page.map((source) => toResult(source, distanceOf(source))),
  }
}

/** A seeded source as a `HealthResourceSearchResult` (absent data is `null`, never invented). */
export function toResult(source: SeededSource, distance: number | undefined) {
  return {
    id: source.id,
    type: source.type,
    content: source.name,
    endpoint: source.slug ? [{ name: source.slug }] : null,
    gender: source.gender ?? null,
    npi: source.npi ? [source.npi] : null,
    organization: source.organization ? [{ name: source.organization, endpoint: null }] : null,
    specialty: source.specialty ? [source.specialty] : null,
    location: [
      {
        name: source.name,
        address: {
          line: [source.line],
          city: source.city,
          state: source.state,
          postalCode: source.postalCode,
          country: 'US',
        },
        position: { latitude: source.lat, longitude: source.lon },
        distanceInMiles: distance === undefined ? null : Math.round(distance * 10) / 10,
        scheduling: null,
      },
    ],
    bookable: null,
    partOf: null,
    score: null,
    scores: null,
  }
}
