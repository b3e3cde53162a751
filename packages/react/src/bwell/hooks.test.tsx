// Scheduling of the b.well hooks (debounce, placeholders, sync polling, retries) under fake
// timers, over a scripted client. The same hooks run against the real mock in hooks.mock.test.tsx.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, renderHook } from '@testing-library/react'
import { type ReactNode, StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BwellClientProvider, useBwell } from './BwellClientProvider.tsx'
import { bwellKeys } from './bwellKeys.ts'
import type { BwellClient } from './client.ts'
import { BwellError } from './errors.ts'
import type {
  Connection,
  SearchHealthResourcesInput,
  SearchHealthResourcesResults,
} from './types.ts'
import { useRequestConnection } from './useConnectionMutations.ts'
import { useDataSource } from './useDataSource.ts'
import { useHealthResourceSearch } from './useHealthResourceSearch.ts'
import { useMemberConnections } from './useMemberConnections.ts'

const page = (input: SearchHealthResourcesInput): SearchHealthResourcesResults => ({
  results: [
    {
      id: `${input.search ?? ''}#${input.paging?.pageNumber ?? 0}`,
      type: 'PRACTICE',
      content: input.search ?? null,
      endpoint: null,
      location: null,
      organization: null,
      specialty: null,
      npi: null,
      connectionId: null,
    },
  ],
  pagingInfo: null,
  filterValues: null,
})

const connection = (syncStatus: string): Connection => ({
  id: 'epic-sandbox',
  name: 'Epic',
  category: 'OAUTH',
  type: 'CLINICAL',
  status: 'CONNECTED',
  syncStatus,
  statusUpdated: null,
  lastSynced: null,
  created: '2026-11-29T10:00:00Z',
  integrationType: null,
  syncErrors: null,
})

/** A client whose answers each test scripts; calls resolve after `delay` ms of fake time. */
function scriptedClient(delay = 100) {
  const later = <T,>(value: () => T) =>
    new Promise<T>((resolve, reject) =>
      setTimeout(() => {
        try {
          resolve(value())
        } catch (error) {
          reject(error)
        }
      }, delay),
    )
  const unused = () => Promise.reject(new Error('not scripted'))
  const client = {
    searchHealthResources: vi.fn((input: SearchHealthResourcesInput = {}) =>
      later(() => page(input)),
    ),
    getDataSource: vi.fn((connectionId: string) =>
      later(() => ({
        id: connectionId,
        name: 'Epic',
        category: 'OAUTH',
        type: 'CLINICAL',
        integrationType: null,
      })),
    ),
    getMemberConnections: vi.fn(() => later((): readonly Connection[] => [])),
    getSubscriptionConnections: vi.fn(() => later((): readonly Connection[] => [])),
    initSdk: vi.fn<BwellClient['initSdk']>(unused),
    getOauthUrl: vi.fn<BwellClient['getOauthUrl']>(unused),
    createConnection: vi.fn<BwellClient['createConnection']>(unused),
    disconnectConnection: vi.fn<BwellClient['disconnectConnection']>(unused),
    deleteConnection: vi.fn<BwellClient['deleteConnection']>(unused),
    requestConnection: vi.fn<BwellClient['requestConnection']>(unused),
    signOut: vi.fn(),
  } satisfies BwellClient
  return { client, later }
}

let queryClient: QueryClient
let user: string | null
let scripted: ReturnType<typeof scriptedClient>

function wrapper({ children }: { children: ReactNode }) {
  return (
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <BwellClientProvider client={scripted.client} user={user}>
          {children}
        </BwellClientProvider>
      </QueryClientProvider>
    </StrictMode>
  )
}

beforeEach(() => {
  vi.useFakeTimers()
  queryClient = new QueryClient()
  user = 'alice'
  scripted = scriptedClient()
})

afterEach(() => {
  queryClient.clear()
  vi.useRealTimers()
})

const tick = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms))

describe('useHealthResourceSearch', () => {
  it('should debounce the text, and keep the previous page on screen while the next loads', async () => {
    const search = scripted.client.searchHealthResources
    const { result, rerender } = renderHook(
      ({ text, pageNumber }) =>
        useHealthResourceSearch({ search: text, paging: { pageNumber, pageSize: 10 } }),
      { wrapper, initialProps: { text: 'e', pageNumber: 0 } },
    )
    await tick(500)
    expect(result.current.data?.results?.[0]?.id).toBe('e#0')
    expect(result.current.isDebouncing).toBe(false)
    for (const text of ['ep', 'epi', 'epic']) {
      rerender({ text, pageNumber: 0 })
      // The answer on screen is still the one for "e": the hook says so until the text is sent.
      expect(result.current.isDebouncing).toBe(true)
      await tick(100)
    }
    expect(search).toHaveBeenCalledTimes(1)
    await tick(300)
    expect(result.current.isDebouncing).toBe(false)
    expect(search).toHaveBeenCalledTimes(2)
    expect(search.mock.calls[1]?.[0]).toEqual({
      search: 'epic',
      paging: { pageNumber: 0, pageSize: 10 },
    })
    // Still loading: the previous search stays, flagged as a placeholder.
    expect(result.current.data?.results?.[0]?.id).toBe('e#0')
    expect(result.current.isPlaceholderData).toBe(true)
    await tick(150)
    expect(result.current.data?.results?.[0]?.id).toBe('epic#0')

    // Paging applies at once (no debounce), with page 0 shown until page 1 arrives.
    rerender({ text: 'epic', pageNumber: 1 })
    await tick(0)
    expect(search).toHaveBeenCalledTimes(3)
    expect(result.current).toMatchObject({ isPlaceholderData: true })
    expect(result.current.data?.results?.[0]?.id).toBe('epic#0')
    await tick(150)
    expect(result.current.data?.results?.[0]?.id).toBe('epic#1')
  })

  it('should pass TanStack options through: enabled, select, staleTime', async () => {
    const search = scripted.client.searchHealthResources
    const { result, rerender } = renderHook(
      ({ enabled }) =>
        useHealthResourceSearch(
          { search: 'epic' },
          {
            enabled,
            staleTime: 60_000,
            select: (data) => data.results?.map((r) => r?.content) ?? [],
          },
        ),
      { wrapper, initialProps: { enabled: false } },
    )
    await tick(1000)
    expect(search).not.toHaveBeenCalled()
    rerender({ enabled: true })
    await tick(200)
    const names: (string | null | undefined)[] | undefined = result.current.data
    expect(names).toEqual(['epic'])
    // Fresh for a minute: a new observer reads the cache without a request.
    renderHook(() => useHealthResourceSearch({ search: 'epic' }, { staleTime: 60_000 }), {
      wrapper,
    })
    await tick(200)
    expect(search).toHaveBeenCalledTimes(1)
  })

  it('[SEC-27] should fetch nothing without a user, and never show the previous user’s page as a placeholder', async () => {
    const { result, rerender } = renderHook(() => useHealthResourceSearch({ search: 'epic' }), {
      wrapper,
    })
    await tick(200)
    expect(result.current.data?.results?.[0]?.id).toBe('epic#0')
    user = null
    rerender()
    expect(result.current.data).toBeUndefined()
    expect(result.current.isPlaceholderData).toBe(false)
    await tick(1000)
    expect(scripted.client.searchHealthResources).toHaveBeenCalledTimes(1)
    user = 'bob'
    rerender()
    expect(result.current.data).toBeUndefined()
    await tick(200)
    expect(result.current.data?.results?.[0]?.id).toBe('epic#0')
    expect(scripted.client.signOut).toHaveBeenCalledTimes(2)
    expect(queryClient.getQueryCache().findAll({ queryKey: bwellKeys.user('alice') })).toEqual([])
  })
})

describe('retries', () => {
  const failing = (error: BwellError) => {
    scripted.client.getDataSource.mockImplementation(() =>
      scripted.later(() => {
        throw error
      }),
    )
  }

  it('should not retry a 4xx or security error', async () => {
    failing(
      new BwellError('graphql_error', 'not found', {
        graphqlCode: '404',
        issues: [{ code: 'not-found', severity: 'error', details: null }],
      }),
    )
    const { result } = renderHook(() => useDataSource('nope'), { wrapper })
    await tick(60_000)
    expect(result.current.error?.graphqlCode).toBe('404')
    expect(scripted.client.getDataSource).toHaveBeenCalledTimes(1)
  })

  it('should retry a 5xx three times by default, and follow an explicit retry', async () => {
    failing(new BwellError('http_error', 'http 503', { status: 503 }))
    const { result } = renderHook(() => useDataSource('epic-sandbox'), { wrapper })
    await tick(60_000)
    expect(result.current.error?.status).toBe(503)
    expect(scripted.client.getDataSource).toHaveBeenCalledTimes(4)

    scripted.client.getDataSource.mockClear()
    queryClient.clear()
    renderHook(() => useDataSource('other', { retry: false }), { wrapper })
    await tick(60_000)
    expect(scripted.client.getDataSource).toHaveBeenCalledTimes(1)
  })
})

describe('useMemberConnections', () => {
  it('should refetch while a sync runs (PENDING, RETRIEVING) and stop once it is done', async () => {
    const states = ['PENDING', 'RETRIEVING', 'RETRIEVING', 'RETRIEVED']
    let call = 0
    scripted.client.getMemberConnections.mockImplementation(() =>
      scripted.later(() => [
        connection(states[Math.min(call++, states.length - 1)] ?? 'RETRIEVED'),
      ]),
    )
    const { result } = renderHook(() => useMemberConnections({ syncIntervalMs: 1_000 }), {
      wrapper,
    })
    await tick(200)
    expect(result.current.data?.[0]?.syncStatus).toBe('PENDING')
    await tick(1_100)
    expect(result.current.data?.[0]?.syncStatus).toBe('RETRIEVING')
    await tick(2_200)
    expect(result.current.data?.[0]?.syncStatus).toBe('RETRIEVED')
    const calls = scripted.client.getMemberConnections.mock.calls.length
    expect(calls).toBe(4)
    await tick(30_000)
    expect(scripted.client.getMemberConnections).toHaveBeenCalledTimes(calls)
  })

  it('should read the FHIR subscriptions when asked', async () => {
    const { result } = renderHook(() => useMemberConnections({ source: 'subscriptions' }), {
      wrapper,
    })
    await tick(200)
    expect(result.current.data).toEqual([])
    expect(scripted.client.getSubscriptionConnections).toHaveBeenCalledTimes(1)
    expect(scripted.client.getMemberConnections).not.toHaveBeenCalled()
  })
})

describe('mutations', () => {
  it('should refetch the connections after a successful mutation, then call onSuccess', async () => {
    const issues = [{ code: 'informational', severity: 'information', details: 'received' }]
    scripted.client.requestConnection.mockImplementation(() => scripted.later(() => issues))
    const onSuccess = vi.fn()
    const { result } = renderHook(
      () => ({
        connections: useMemberConnections(),
        request: useRequestConnection({ onSuccess }),
      }),
      { wrapper },
    )
    await tick(200)
    expect(scripted.client.getMemberConnections).toHaveBeenCalledTimes(1)
    act(() => result.current.request.mutate({ institution: 'Lakeside Clinic' }))
    await tick(400)
    expect(scripted.client.requestConnection).toHaveBeenCalledWith({
      institution: 'Lakeside Clinic',
    })
    expect(scripted.client.getMemberConnections).toHaveBeenCalledTimes(2)
    expect(onSuccess).toHaveBeenCalledTimes(1)
    expect(result.current.request.data).toEqual(issues)
  })
})

describe('useBwell', () => {
  it('should throw an argument error outside <BwellClientProvider>', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => renderHook(() => useBwell())).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError' }),
    )
  })
})
