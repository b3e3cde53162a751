import {
  type BwellClient,
  BwellClientProvider,
  type Connection,
  type HealthResource,
} from '@oauth-connect/react/bwell'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, fireEvent, render, screen, within } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SearchResults } from './ConnectPanel.tsx'
import { defaultSettings } from './settings.ts'

/** The seeded sources these tests search: connection id, name, how it connects. */
const sources = [
  ['epic-sandbox', 'Epic Sandbox Health', 'OAUTH'],
  ['cerner-sandbox', 'Cerner Sandbox Medical Center', 'OAUTH'],
  ['evergreen-mutual', 'Evergreen Mutual Insurance', 'OAUTH'],
  ['atlas-health-plan', 'Atlas Health Plan', 'OAUTH'],
  ['wellspring-pharmacy', 'Wellspring Pharmacy', 'BASIC'],
] as const

const result = ([connectionId, name]: (typeof sources)[number]): HealthResource => ({
  id: `hr-${connectionId}`,
  type: 'PRACTICE',
  content: name,
  endpoint: [{ name: connectionId }],
  location: null,
  organization: null,
  specialty: null,
  npi: null,
  connectionId,
})

const connection = (id: string, status: string): Connection => ({
  id,
  name: sources.find(([slug]) => slug === id)?.[1] ?? id,
  category: sources.find(([slug]) => slug === id)?.[2] ?? 'OAUTH',
  type: 'CLINICAL',
  status,
  syncStatus: 'RETRIEVED',
  statusUpdated: null,
  lastSynced: null,
  created: '2026-11-29T10:00:00Z',
  integrationType: null,
  syncErrors: null,
})

/** A b.well client whose answers each test scripts: the search, and each user's connections. */
function scriptedClient(connections: (user: string) => Promise<readonly Connection[]>) {
  let user = ''
  const unused = () => Promise.reject(new Error('not scripted'))
  const client = {
    searchHealthResources: vi.fn<BwellClient['searchHealthResources']>(async () => ({
      results: sources.map(result),
      pagingInfo: { pageNumber: 0, pageSize: 10, totalItems: sources.length, totalPages: 1 },
      filterValues: null,
    })),
    getDataSource: vi.fn<BwellClient['getDataSource']>(async (connectionId) => {
      const source = sources.find(([slug]) => slug === connectionId)
      if (!source) throw new Error(`no source ${connectionId}`)
      return {
        id: connectionId,
        name: source[1],
        category: source[2],
        type: 'CLINICAL',
        integrationType: null,
      }
    }),
    getMemberConnections: vi.fn<BwellClient['getMemberConnections']>(() => connections(user)),
    getSubscriptionConnections: vi.fn<BwellClient['getSubscriptionConnections']>(unused),
    initSdk: vi.fn<BwellClient['initSdk']>(unused),
    getOauthUrl: vi.fn<BwellClient['getOauthUrl']>(unused),
    createConnection: vi.fn<BwellClient['createConnection']>(unused),
    disconnectConnection: vi.fn<BwellClient['disconnectConnection']>(unused),
    deleteConnection: vi.fn<BwellClient['deleteConnection']>(unused),
    requestConnection: vi.fn<BwellClient['requestConnection']>(unused),
    signOut: vi.fn(() => {}),
  } satisfies BwellClient
  return {
    client,
    /** Which user's connections `getMemberConnections` answers from now on. */
    as(next: string) {
      user = next
    },
  }
}

let queryClient: QueryClient

beforeEach(() => {
  vi.useFakeTimers()
  queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
})

afterEach(() => {
  queryClient.clear()
  vi.useRealTimers()
})

/** Lets the scripted answers (already resolved promises) and TanStack's notifications through. */
async function settle() {
  for (let i = 0; i < 20; i++) await act(() => vi.advanceTimersByTimeAsync(20))
}

function tree(client: BwellClient, user: string) {
  return (
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <BwellClientProvider client={client} user={user}>
          <SearchResults
            search={{ text: '', type: '', connectableOnly: false, page: 0 }}
            settings={defaultSettings}
            onPage={() => {}}
          />
        </BwellClientProvider>
      </QueryClientProvider>
    </StrictMode>
  )
}

/** A result's row, by the name it shows. */
function row(name: string): HTMLElement {
  const item = within(screen.getByRole('list', { name: 'Providers' }))
    .getAllByRole('listitem')
    .find((li) => li.querySelector('strong')?.textContent === name)
  if (!item) throw new Error(`no row for ${name}`)
  return item
}

/** The text of the elements a row's `aria-describedby` names: its accessible description. */
function description(element: HTMLElement): string {
  return (element.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ')
}

const buttonNames = (element: HTMLElement) =>
  within(element)
    .queryAllByRole('button')
    .map((button) => button.textContent)

describe('SearchResults', () => {
  it("should mark each source the user connected with its connection's status, and offer no second Connect", async () => {
    const amy = [
      connection('cerner-sandbox', 'CONNECTED'),
      connection('evergreen-mutual', 'EXPIRED'),
      connection('atlas-health-plan', 'DELETED'),
    ]
    const { client } = scriptedClient(async () => amy)
    render(tree(client, 'amy.shaw'))
    await settle()

    const connected = row('Cerner Sandbox Medical Center')
    expect(description(connected)).toBe('In your connections: Connected')
    expect(connected.textContent).toContain('In your connections: Connected')
    expect(buttonNames(connected)).toEqual([])

    const expired = row('Evergreen Mutual Insurance')
    expect(description(expired)).toBe('In your connections: Needs attention (expired)')
    expect(buttonNames(expired)).toEqual(['Reconnect Evergreen Mutual Insurance'])

    // Neither a source never connected nor one whose connection was deleted is marked.
    for (const name of ['Epic Sandbox Health', 'Atlas Health Plan']) {
      expect(row(name).hasAttribute('aria-describedby')).toBe(false)
      expect(row(name).textContent).not.toContain('In your connections')
      expect(buttonNames(row(name))).toEqual([`Connect ${name}`])
    }
    expect(buttonNames(row('Wellspring Pharmacy'))).toEqual(['Connect Wellspring Pharmacy'])
  })

  it("should offer no Connect until the user's connections have loaded", async () => {
    let answer: (connections: readonly Connection[]) => void = () => {}
    const { client } = scriptedClient(
      () => new Promise<readonly Connection[]>((resolve) => (answer = resolve)),
    )
    render(tree(client, 'amy.shaw'))
    await settle()
    const cerner = row('Cerner Sandbox Medical Center')
    expect(cerner.textContent).toContain('Checking your connections…')
    expect(buttonNames(screen.getByRole('list', { name: 'Providers' }))).toEqual([])

    answer([connection('cerner-sandbox', 'CONNECTED')])
    await settle()
    expect(description(row('Cerner Sandbox Medical Center'))).toBe('In your connections: Connected')
    expect(buttonNames(row('Epic Sandbox Health'))).toEqual(['Connect Epic Sandbox Health'])
  })

  it("[SEC-27] should never mark a result from the previous user's connections, not even for one render", async () => {
    const scripted = scriptedClient((user) =>
      user === 'amy.shaw'
        ? Promise.resolve([connection('cerner-sandbox', 'CONNECTED')])
        : new Promise<readonly Connection[]>(() => {}),
    )
    scripted.as('amy.shaw')
    const view = render(tree(scripted.client, 'amy.shaw'))
    await settle()
    expect(description(row('Cerner Sandbox Medical Center'))).toBe('In your connections: Connected')

    scripted.as('casey.lin')
    view.rerender(tree(scripted.client, 'casey.lin'))
    expect(document.body.textContent).not.toContain('In your connections')
    await settle()
    expect(document.body.textContent).not.toContain('In your connections')
    expect(row('Cerner Sandbox Medical Center').textContent).toContain('Checking your connections…')
  })

  it('should keep the form the user connected with, saying so, once the list marks the source connected', async () => {
    let amy: readonly Connection[] = []
    const scripted = scriptedClient(async () => amy)
    scripted.client.createConnection.mockImplementation(async ({ connectionId }) => {
      const created = connection(connectionId, 'CONNECTED')
      amy = [created]
      return created
    })
    render(tree(scripted.client, 'amy.shaw'))
    await settle()
    const item = row('Wellspring Pharmacy')
    fireEvent.click(within(item).getByRole('button', { name: 'Connect Wellspring Pharmacy' }))
    const form = within(item).getByRole('group', { name: 'Sign in to Wellspring Pharmacy' })
    fireEvent.change(within(form).getByLabelText('Username'), {
      target: { value: 'wellspring-pharmacy.member' },
    })
    fireEvent.change(within(form).getByLabelText('Password'), {
      target: { value: 'wellspring-pharmacy-password' },
    })
    fireEvent.click(within(form).getByRole('button', { name: 'Connect with these credentials' }))
    await settle()

    expect(scripted.client.getMemberConnections.mock.calls.length).toBeGreaterThanOrEqual(2)
    const after = row('Wellspring Pharmacy')
    expect(description(after)).toBe('In your connections: Connected')
    expect(within(after).getByRole('status').textContent).toBe('Wellspring Pharmacy is connected.')
  })
})
