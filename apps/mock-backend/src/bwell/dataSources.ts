/** The five kinds of search result b.well knows (`SearchResultTypeEnum`). */
export const resultTypes = [
  'INSURANCE',
  'LABORATORY',
  'PHARMACY',
  'PRACTICE',
  'PRACTITIONER',
] as const
/** One of {@link resultTypes}. */
export type ResultType = (typeof resultTypes)[number]

/** `DataConnectionType` of a data source, derived from its result type. */
export type ConnectionType = 'CLINICAL' | 'INSURANCE' | 'LAB' | 'PHARMACY' | 'PRACTITIONER'

/** How a source is connected: the OAuth popup, or a username and password. */
export type ConnectionCategory = 'OAUTH' | 'BASIC'

/** One seeded data source (a search result, and when it has a slug, a connectable source). */
export interface SeededSource {
  /** The search result's `id`. */
  id: string
  /** `endpoint[0].name`: the connection id. `undefined`: the result cannot be connected. */
  slug: string | undefined
  /** The display name (`content`). */
  name: string
  type: ResultType
  category: ConnectionCategory
  /** `integrationType` (free text at b.well). */
  integrationType: string
  /** Data already flows through b.well's PROA network (`includePopulatedProaOnly`). */
  populated: boolean
  /** Hidden unless `filters.includeInactive` is true. */
  inactive?: true
  organization?: string
  specialty?: { system: string; code: string; display: string }
  gender?: 'FEMALE' | 'MALE'
  npi?: string
  city: string
  state: string
  line: string
  postalCode: string
  lat: number
  lon: number
}

const taxonomy = 'http://nucc.org/provider-taxonomy'

function s(
  slug: string | undefined,
  name: string,
  type: ResultType,
  category: ConnectionCategory,
  where: [city: string, state: string, line: string, postalCode: string, lat: number, lon: number],
  extra: Partial<SeededSource> = {},
): SeededSource {
  const [city, state, line, postalCode, lat, lon] = where
  return {
    id: extra.id ?? `hr-${(slug ?? name).toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    slug,
    name,
    type,
    category,
    integrationType: category === 'BASIC' ? 'hapi' : 'PROA',
    populated: slug !== undefined,
    city,
    state,
    line,
    postalCode,
    lat,
    lon,
    ...extra,
  }
}

const nashville: [string, string, string, string, number, number] = [
  'Nashville',
  'TN',
  '1 Church St',
  '37201',
  36.16,
  -86.78,
]
const memphis: [string, string, string, string, number, number] = [
  'Memphis',
  'TN',
  '200 Union Ave',
  '38103',
  35.14,
  -90.05,
]
const austin: [string, string, string, string, number, number] = [
  'Austin',
  'TX',
  '500 Congress Ave',
  '78701',
  30.27,
  -97.74,
]
const denver: [string, string, string, string, number, number] = [
  'Denver',
  'CO',
  '1600 Broadway',
  '80202',
  39.74,
  -104.99,
]
const seattle: [string, string, string, string, number, number] = [
  'Seattle',
  'WA',
  '400 Pine St',
  '98101',
  47.61,
  -122.33,
]

const cardiology = { system: taxonomy, code: '207RC0000X', display: 'Cardiovascular Disease' }
const family = { system: taxonomy, code: '207Q00000X', display: 'Family Medicine' }
const pediatrics = { system: taxonomy, code: '208000000X', display: 'Pediatrics' }
const dermatology = { system: taxonomy, code: '207N00000X', display: 'Dermatology' }

/** Every seeded source: 34 results, all five types, `OAUTH` and `BASIC`, some not connectable. */
export const seededSources: readonly SeededSource[] = [
  // Practices (health systems, hospitals, clinics): CLINICAL, OAuth.
  s('epic-sandbox', 'Epic Sandbox Health', 'PRACTICE', 'OAUTH', nashville, {
    integrationType: 'EPIC',
  }),
  s('cerner-sandbox', 'Cerner Sandbox Medical Center', 'PRACTICE', 'OAUTH', memphis, {
    integrationType: 'CERNER',
  }),
  s('riverside-medical-center', 'Riverside Medical Center', 'PRACTICE', 'OAUTH', nashville, {
    specialty: family,
  }),
  s('st-marys-regional', "St. Mary's Regional Hospital", 'PRACTICE', 'OAUTH', memphis),
  s('northwind-health', 'Northwind Health System', 'PRACTICE', 'OAUTH', seattle),
  s('lakeview-childrens', "Lakeview Children's Hospital", 'PRACTICE', 'OAUTH', austin, {
    specialty: pediatrics,
  }),
  s('mercy-valley', 'Mercy Valley Medical Center', 'PRACTICE', 'OAUTH', denver),
  s('cedar-valley-clinic', 'Cedar Valley Clinic', 'PRACTICE', 'OAUTH', austin, {
    specialty: family,
  }),
  s('coastal-cardiology', 'Coastal Cardiology Associates', 'PRACTICE', 'OAUTH', seattle, {
    specialty: cardiology,
  }),
  s('sunrise-family-practice', 'Sunrise Family Practice', 'PRACTICE', 'OAUTH', denver, {
    specialty: family,
    populated: false,
  }),
  s(undefined, 'Metro Community Clinic', 'PRACTICE', 'OAUTH', nashville, { specialty: family }),
  s(undefined, 'Hillside Urgent Care', 'PRACTICE', 'OAUTH', memphis),
  s('oakridge-hospital', 'Oakridge Hospital', 'PRACTICE', 'OAUTH', denver, { inactive: true }),
  // Practitioners: PRACTITIONER, OAuth through their practice's portal.
  s('dr-elena-ruiz', 'Elena Ruiz, MD', 'PRACTITIONER', 'OAUTH', austin, {
    specialty: cardiology,
    gender: 'FEMALE',
    npi: '1234567893',
    organization: 'Coastal Cardiology Associates',
  }),
  s('dr-marcus-lee', 'Marcus Lee, DO', 'PRACTITIONER', 'OAUTH', nashville, {
    specialty: family,
    gender: 'MALE',
    npi: '1245319599',
    organization: 'Riverside Medical Center',
  }),
  s('dr-priya-nair', 'Priya Nair, MD', 'PRACTITIONER', 'OAUTH', seattle, {
    specialty: pediatrics,
    gender: 'FEMALE',
    npi: '1326046500',
    organization: "Lakeview Children's Hospital",
  }),
  s(undefined, 'Samuel Okafor, MD', 'PRACTITIONER', 'OAUTH', memphis, {
    specialty: dermatology,
    gender: 'MALE',
    npi: '1417989054',
  }),
  s(undefined, 'Hannah Becker, NP', 'PRACTITIONER', 'OAUTH', denver, {
    specialty: family,
    gender: 'FEMALE',
    npi: '1508861932',
  }),
  // Laboratories: LAB.
  s('summit-diagnostics', 'Summit Diagnostics', 'LABORATORY', 'OAUTH', denver),
  s('clearpath-labs', 'ClearPath Clinical Laboratories', 'LABORATORY', 'OAUTH', austin),
  s('harbor-pathology', 'Harbor Pathology Group', 'LABORATORY', 'BASIC', seattle),
  s(undefined, 'Valley Reference Lab', 'LABORATORY', 'OAUTH', memphis),
  // Pharmacies: PHARMACY.
  s('wellspring-pharmacy', 'Wellspring Pharmacy', 'PHARMACY', 'BASIC', nashville),
  s('greenleaf-rx', 'Greenleaf Rx', 'PHARMACY', 'BASIC', austin),
  s('corner-drug', 'Corner Drug Co.', 'PHARMACY', 'OAUTH', memphis),
  s(undefined, 'Pinecrest Compounding Pharmacy', 'PHARMACY', 'BASIC', denver),
  // Insurance: INSURANCE.
  s('blueridge-health-plan', 'BlueRidge Health Plan', 'INSURANCE', 'OAUTH', nashville),
  s('evergreen-mutual', 'Evergreen Mutual Insurance', 'INSURANCE', 'OAUTH', seattle),
  s('keystone-medicare', 'Keystone Medicare Advantage', 'INSURANCE', 'OAUTH', denver, {
    populated: false,
  }),
  s('unity-care-plans', 'UnityCare Plans', 'INSURANCE', 'BASIC', austin),
  s('lonestar-dental', 'Lone Star Dental Insurance', 'INSURANCE', 'BASIC', austin),
  s(undefined, 'Harborview Vision Plan', 'INSURANCE', 'OAUTH', seattle),
  s('atlas-health-plan', 'Atlas Health Plan', 'INSURANCE', 'OAUTH', memphis),
  s('meridian-labs', 'Meridian Labs', 'LABORATORY', 'OAUTH', nashville),
]

/** The connectable source with this slug (`connectionId`), if any. */
export function findSource(slug: string): SeededSource | undefined {
  return seededSources.find((source) => source.slug === slug)
}

/** `DataConnectionType` for a result type. */
export function connectionTypeOf(type: ResultType): ConnectionType {
  switch (type) {
    case 'INSURANCE':
      return 'INSURANCE'
    case 'LABORATORY':
      return 'LAB'
    case 'PHARMACY':
      return 'PHARMACY'
    case 'PRACTITIONER':
      return 'PRACTITIONER'
    default:
      return 'CLINICAL'
  }
}

/**
 * The username and password each `BASIC` source accepts in `createConnection`. Public test
 * values; any b.well user may use them.
 */
export const seededBasicCredentials: Readonly<
  Record<string, { username: string; password: string }>
> = Object.fromEntries(
  seededSources
    .filter((source) => source.category === 'BASIC' && source.slug !== undefined)
    .map((source) => {
      const slug = source.slug ?? ''
      return [slug, { username: `${slug}.member`, password: `${slug}-password` }]
    }),
)
