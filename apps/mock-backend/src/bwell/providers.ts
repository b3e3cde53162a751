/** A data source a user can connect, as `searchProviders` returns it. */
export interface DataProvider {
  id: string
  name: string
  category: 'HOSPITAL' | 'LAB' | 'INSURER' | 'EHR_PORTAL' | 'PHARMACY' | 'CLINIC'
}

/** A fixed seed of fictional but realistic sources. */
export const dataProviders: readonly DataProvider[] = [
  { id: 'riverside-medical-center', name: 'Riverside Medical Center', category: 'HOSPITAL' },
  { id: 'st-marys-regional', name: "St. Mary's Regional Hospital", category: 'HOSPITAL' },
  { id: 'northwind-health', name: 'Northwind Health System', category: 'HOSPITAL' },
  { id: 'lakeview-childrens', name: "Lakeview Children's Hospital", category: 'HOSPITAL' },
  { id: 'mercy-valley', name: 'Mercy Valley Medical Center', category: 'HOSPITAL' },
  { id: 'summit-diagnostics', name: 'Summit Diagnostics', category: 'LAB' },
  { id: 'clearpath-labs', name: 'ClearPath Clinical Laboratories', category: 'LAB' },
  { id: 'harbor-pathology', name: 'Harbor Pathology Group', category: 'LAB' },
  { id: 'blueridge-health-plan', name: 'BlueRidge Health Plan', category: 'INSURER' },
  { id: 'evergreen-mutual', name: 'Evergreen Mutual Insurance', category: 'INSURER' },
  { id: 'keystone-medicare', name: 'Keystone Medicare Advantage', category: 'INSURER' },
  { id: 'unity-care-plans', name: 'UnityCare Plans', category: 'INSURER' },
  { id: 'cedar-valley-mychart', name: 'Cedar Valley Patient Portal', category: 'EHR_PORTAL' },
  { id: 'oakridge-followmyhealth', name: 'Oakridge FollowMyHealth', category: 'EHR_PORTAL' },
  { id: 'pinecrest-patient-portal', name: 'Pinecrest Patient Portal', category: 'EHR_PORTAL' },
  { id: 'metro-community-clinic', name: 'Metro Community Clinic', category: 'CLINIC' },
  { id: 'sunrise-family-practice', name: 'Sunrise Family Practice', category: 'CLINIC' },
  { id: 'coastal-cardiology', name: 'Coastal Cardiology Associates', category: 'CLINIC' },
  { id: 'wellspring-pharmacy', name: 'Wellspring Pharmacy', category: 'PHARMACY' },
  { id: 'greenleaf-rx', name: 'Greenleaf Rx', category: 'PHARMACY' },
]

/** Finds a provider by id. */
export function findDataProvider(id: string): DataProvider | undefined {
  return dataProviders.find((p) => p.id === id)
}

/** Providers whose name, id or category contains `query`, case-insensitively; all for `''`. */
export function searchDataProviders(query: string): DataProvider[] {
  const q = query.trim().toLowerCase()
  if (q === '') return [...dataProviders]
  return dataProviders.filter(
    (p) =>
      p.name.toLowerCase().includes(q) ||
      p.id.includes(q) ||
      p.category.toLowerCase().replace('_', ' ').includes(q),
  )
}

const palette = ['#2563eb', '#059669', '#7c3aed', '#db2777', '#d97706', '#0891b2']

/** A small SVG badge with the provider's initials, served as its logo. */
export function logoSvg(provider: DataProvider): string {
  const initials = provider.name
    .split(/\s+/)
    .filter((w) => /^[A-Za-z]/.test(w))
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('')
  const index = dataProviders.indexOf(provider) % palette.length
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" role="img" aria-label=""><rect width="64" height="64" rx="12" fill="${palette[index]}"/><text x="32" y="40" font-family="sans-serif" font-size="24" font-weight="700" fill="#fff" text-anchor="middle">${initials}</text></svg>`
}
