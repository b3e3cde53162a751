import { InvalidArgumentError } from '@oauth-connect/core/connect'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, renderHook } from '@testing-library/react'
import { type ReactNode, StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BwellClientProvider, useBwellClient } from './BwellClientProvider.tsx'
import type { BwellClient } from './client.ts'
import type { Provider } from './documents.ts'
import { BwellError } from './errors.ts'
import { useConnection } from './useConnection.ts'
import { useCreateConnection } from './useCreateConnection.ts'
import { useProviderSearch } from './useProviderSearch.ts'

const provider = (name: string): Provider => ({
  id: name.toLowerCase(),
  name,
  category: 'hospital',
  logoUrl: null,
})

function fakeClient(): BwellClient & { [K in keyof BwellClient]: ReturnType<typeof vi.fn> } {
  return {
    searchProviders: vi.fn(async (query: string) => [provider(`${query}-result`)]),
    createConnection: vi.fn(async (providerId: string) => ({
      id: 'c1',
      providerId,
      status: 'NEW',
    })),
    getOauthUrl: vi.fn(async () => 'https://provider.example/'),
    connection: vi.fn(async (id: string) => ({ id, providerId: 'p1', status: 'RETRIEVING_DATA' })),
    disconnectConnection: vi.fn(async (id: string) => ({
      id,
      providerId: 'p1',
      status: 'DISCONNECTED',
    })),
  }
}

let client: ReturnType<typeof fakeClient>

function wrapper({ children }: { children: ReactNode }) {
  return (
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <BwellClientProvider client={client}>{children}</BwellClientProvider>
      </QueryClientProvider>
    </StrictMode>
  )
}

let queryClient: QueryClient

beforeEach(() => {
  vi.useFakeTimers()
  client = fakeClient()
  queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
})

afterEach(() => {
  queryClient.clear()
  vi.useRealTimers()
})

const tick = (ms = 0) => act(() => vi.advanceTimersByTimeAsync(ms))

describe('useProviderSearch', () => {
  it('should debounce typing and keep the previous results while loading', async () => {
    const { result, rerender } = renderHook(({ query }) => useProviderSearch(query), {
      wrapper,
      initialProps: { query: '' },
    })
    await tick(1000)
    expect(client.searchProviders).not.toHaveBeenCalled()
    for (const query of ['e', 'ep', 'epi']) {
      rerender({ query })
      await tick(100)
    }
    expect(client.searchProviders).not.toHaveBeenCalled()
    await tick(250)
    await tick()
    expect(client.searchProviders).toHaveBeenCalledTimes(1)
    expect(client.searchProviders).toHaveBeenCalledWith(
      'epi',
      expect.objectContaining({ signal: expect.any(AbortSignal) }),
    )
    expect(result.current.data).toEqual([provider('epi-result')])
    let release: (value: Provider[]) => void = () => {}
    client.searchProviders.mockImplementationOnce(
      () =>
        new Promise<Provider[]>((resolve) => {
          release = resolve
        }),
    )
    rerender({ query: 'epic' })
    await tick(250)
    await tick()
    expect(result.current.isPlaceholderData).toBe(true)
    expect(result.current.data).toEqual([provider('epi-result')])
    await act(async () => release([provider('Epic')]))
    await tick()
    expect(result.current.data).toEqual([provider('Epic')])
  })

  it('should honour debounceMs and minLength', async () => {
    const { rerender } = renderHook(
      ({ query }) => useProviderSearch(query, { debounceMs: 50, minLength: 3 }),
      { wrapper, initialProps: { query: 'ep' } },
    )
    await tick(100)
    expect(client.searchProviders).not.toHaveBeenCalled()
    rerender({ query: 'epi' })
    await tick(50)
    expect(client.searchProviders).toHaveBeenCalledTimes(1)
  })

  it('should hold the search while enabled is false', async () => {
    const { result, rerender } = renderHook(
      ({ enabled }) => useProviderSearch('epic', { debounceMs: 0, enabled }),
      { wrapper, initialProps: { enabled: false } },
    )
    await tick(1000)
    expect(client.searchProviders).not.toHaveBeenCalled()
    expect(result.current.fetchStatus).toBe('idle')
    rerender({ enabled: true })
    await tick()
    expect(client.searchProviders).toHaveBeenCalledTimes(1)
    expect(result.current.data).toEqual([provider('epic-result')])
  })

  it('should surface a BwellError', async () => {
    client.searchProviders.mockRejectedValue(
      new BwellError('http_error', 'http 500', { status: 500 }),
    )
    const { result } = renderHook(() => useProviderSearch('x', { debounceMs: 0 }), { wrapper })
    await tick(10)
    expect(result.current.error).toBeInstanceOf(BwellError)
    expect(result.current.error?.status).toBe(500)
  })
})

describe('useCreateConnection', () => {
  it('should create a connection', async () => {
    const { result } = renderHook(() => useCreateConnection(), { wrapper })
    await act(async () => {
      await result.current.mutateAsync('p1')
    })
    await tick()
    expect(client.createConnection).toHaveBeenCalledWith('p1')
    expect(result.current.data).toEqual({ id: 'c1', providerId: 'p1', status: 'NEW' })
  })
})

describe('useConnection', () => {
  it('should read a connection only with an id, and poll when asked', async () => {
    const { result, rerender } = renderHook(
      ({ id }: { id: string | undefined }) => useConnection(id, { refetchIntervalMs: 1000 }),
      { wrapper, initialProps: { id: undefined as string | undefined } },
    )
    await tick(2000)
    expect(client.connection).not.toHaveBeenCalled()
    rerender({ id: 'c1' })
    await tick(10)
    expect(result.current.data?.status).toBe('RETRIEVING_DATA')
    expect(client.connection).toHaveBeenCalledTimes(1)
    await tick(1000)
    expect(client.connection).toHaveBeenCalledTimes(2)
  })
})

describe('useBwellClient', () => {
  it('should throw outside a BwellClientProvider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => renderHook(() => useBwellClient())).toThrow(InvalidArgumentError)
  })
})
