// The b.well hooks under StrictMode, against the real mock backend. It runs in this process;
// the client's requests go through happy-dom's fetch, so the mock's CORS for the page's origin
// is part of what is tested.
import { consent, type MockForTests, startMockForTests } from '@oauth-connect/mock-backend/testing'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, renderHook, waitFor as waitForDefault } from '@testing-library/react'
import { type ReactNode, StrictMode } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { BwellClientProvider } from './BwellClientProvider.tsx'
import { type BwellClient, createBwellClient } from './client.ts'
import { identityTokens } from './test/identityTokens.ts'
import type { Connection } from './types.ts'
import { useConnectDataSource } from './useConnectDataSource.ts'
import { useDeleteConnection, useDisconnectConnection } from './useConnectionMutations.ts'
import { useCreateConnection } from './useCreateConnection.ts'
import { useDataSource } from './useDataSource.ts'
import { useHealthResourceSearch } from './useHealthResourceSearch.ts'
import { useMemberConnections } from './useMemberConnections.ts'

// Real HTTP to the mock on a shared 2-core machine: allow more than the default second.
const waitFor = (check: () => void) => waitForDefault(check, { timeout: 10_000 })

let mock: MockForTests
let queryClient: QueryClient

beforeAll(async () => {
  mock = await startMockForTests({ appOrigin: location.origin })
}, 30_000)

afterAll(async () => {
  await mock.close()
})

afterEach(() => {
  queryClient.clear()
})

/** One client for the tab; the identity token follows whoever is signed in. */
function world(initialUser: string) {
  const state = { user: initialUser }
  const identityTokenFor = identityTokens(mock)
  const client = createBwellClient({
    endpoint: mock.graphqlEndpoint,
    clientKey: mock.clientKeys.hosted,
    getIdentityToken: () => identityTokenFor(state.user),
  })
  queryClient = new QueryClient()
  return { state, client }
}

function wrapperFor(client: BwellClient, user: () => string | null) {
  return ({ children }: { children: ReactNode }) => (
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <BwellClientProvider client={client} user={user()}>
          {children}
        </BwellClientProvider>
      </QueryClientProvider>
    </StrictMode>
  )
}

async function removeAll(client: BwellClient) {
  for (const connection of await client.getMemberConnections()) {
    if (connection.status !== 'DELETED') await client.deleteConnection(connection.id)
  }
}

/** A popup as `connectProvider` sees it: it records where it was sent. */
function fakePopup() {
  const navigations: string[] = []
  let closed = false
  const popup = {
    location: {
      get href(): string {
        throw new DOMException('Blocked a cross-origin frame', 'SecurityError')
      },
      set href(value: string) {
        navigations.push(value)
      },
      assign: (value: string) => navigations.push(value),
      replace: (value: string) => navigations.push(value),
    },
    document: { title: '', body: { textContent: '' } },
    get closed() {
      return closed
    },
    close() {
      closed = true
    },
    focus() {},
  }
  vi.spyOn(window, 'open').mockImplementation(() => popup as unknown as Window)
  return { window: popup as unknown as Window, navigations }
}

const byId = (list: readonly Connection[] | undefined, id: string) =>
  list?.find((connection) => connection.id === id)

describe('b.well hooks against the mock', () => {
  it('should search, read the data source, connect it through the popup and list it in both shapes', async () => {
    const { client } = world('amy.shaw')
    await removeAll(client)
    const { result } = renderHook(
      () => ({
        search: useHealthResourceSearch(
          {
            search: 'epic',
            searchContext: 'DATA_CONNECTIONS',
            filters: { type: ['PRACTICE'], includePopulatedProaOnly: true },
          },
          { debounceMs: 0 },
        ),
        source: useDataSource('epic-sandbox'),
        connect: useConnectDataSource({ allowedOrigins: [mock.origins.bwell] }),
        typed: useMemberConnections(),
        fhir: useMemberConnections({ source: 'subscriptions' }),
      }),
      { wrapper: wrapperFor(client, () => 'amy.shaw') },
    )
    await waitFor(() => expect(result.current.search.isSuccess).toBe(true))
    const hit = result.current.search.data?.results?.find((r) => r?.connectionId === 'epic-sandbox')
    expect(hit?.type).toBe('PRACTICE')
    await waitFor(() => expect(result.current.source.data?.category).toBe('OAUTH'))
    await waitFor(() => expect(result.current.typed.data).toEqual([]))

    const popup = fakePopup()
    let outcome: Promise<{ status: string }> | undefined
    act(() => {
      outcome = result.current.connect.connect('epic-sandbox')
    })
    await waitFor(() => expect(popup.navigations).toHaveLength(1))
    const [redirectUrl = ''] = popup.navigations
    expect(new URL(redirectUrl).origin).toBe(mock.origins.portal)
    expect(new URL((await consent(redirectUrl)).finalUrl).searchParams.get('status_code')).toBe(
      'success',
    )
    // b.well's hosted completion page tells the opener.
    act(() => {
      window.dispatchEvent(
        new MessageEvent('message', {
          data: 'status-success',
          origin: mock.origins.bwell,
          source: popup.window,
        }),
      )
    })
    expect((await outcome)?.status).toBe('success')
    await waitFor(() => {
      for (const list of [result.current.typed.data, result.current.fhir.data]) {
        expect(byId(list, 'epic-sandbox')).toMatchObject({
          category: 'OAUTH',
          status: 'CONNECTED',
        })
      }
    })
    expect(['PENDING', 'RETRIEVING']).toContain(
      byId(result.current.typed.data, 'epic-sandbox')?.syncStatus,
    )
  })

  it('should connect a BASIC source, never keeping the password, and report bad credentials', async () => {
    const { client } = world('james.chalmers')
    await removeAll(client)
    const [slug = '', credentials = { username: '', password: '' }] =
      Object.entries(mock.basicCredentials)[0] ?? []
    const { result } = renderHook(
      () => ({ create: useCreateConnection(), connections: useMemberConnections() }),
      { wrapper: wrapperFor(client, () => 'james.chalmers') },
    )
    await waitFor(() => expect(result.current.connections.isSuccess).toBe(true))

    const bad = await act(() =>
      result.current.create
        .createConnection({
          connectionId: slug,
          username: credentials.username,
          password: 'wrong-pass',
        })
        .catch((error: unknown) => error),
    )
    expect(bad).toMatchObject({
      name: 'BwellError',
      graphqlCode: '400',
      issues: [{ code: 'value' }],
    })
    await waitFor(() => expect(result.current.create.isError).toBe(true))
    expect(result.current.create.variables).toEqual({
      connectionId: slug,
      username: credentials.username,
    })

    await act(() => result.current.create.createConnection({ connectionId: slug, ...credentials }))
    await waitFor(() =>
      expect(byId(result.current.connections.data, slug)?.status).toBe('CONNECTED'),
    )
    const kept = JSON.stringify([
      queryClient
        .getMutationCache()
        .getAll()
        .map((m) => m.state),
      result.current.create,
    ])
    expect(kept).not.toContain('wrong-pass')
    expect(kept).not.toContain(credentials.password)
  })

  it('should disconnect and delete a connection, refetching the list', async () => {
    const { client } = world('amy.shaw')
    await removeAll(client)
    await consent(await client.getOauthUrl('cerner-sandbox'))
    const { result } = renderHook(
      () => ({
        connections: useMemberConnections(),
        disconnect: useDisconnectConnection(),
        remove: useDeleteConnection(),
      }),
      { wrapper: wrapperFor(client, () => 'amy.shaw') },
    )
    await waitFor(() =>
      expect(byId(result.current.connections.data, 'cerner-sandbox')?.status).toBe('CONNECTED'),
    )
    await act(() => result.current.disconnect.mutateAsync('cerner-sandbox'))
    await waitFor(() =>
      expect(byId(result.current.connections.data, 'cerner-sandbox')?.status).toBe('DISCONNECTED'),
    )
    await act(() => result.current.remove.mutateAsync('cerner-sandbox'))
    await waitFor(() =>
      expect(byId(result.current.connections.data, 'cerner-sandbox')?.status ?? 'DELETED').toBe(
        'DELETED',
      ),
    )
  })

  it('[SEC-27] should never render the first user’s connections or search for the second, not even once', async () => {
    const { state, client } = world('amy.shaw')
    await removeAll(client)
    await consent(await client.getOauthUrl('epic-sandbox'))
    state.user = 'james.chalmers'
    await removeAll(client)
    state.user = 'amy.shaw'

    const renders: { user: string | null; ids: string[]; placeholder: boolean }[] = []
    let user: string | null = 'amy.shaw'
    const { result, rerender } = renderHook(
      () => {
        const connections = useMemberConnections()
        const search = useHealthResourceSearch({ search: 'epic' }, { debounceMs: 0 })
        renders.push({
          user,
          ids: connections.data?.map((c) => c.id) ?? [],
          placeholder: search.isPlaceholderData,
        })
        return { connections, search }
      },
      { wrapper: wrapperFor(client, () => user) },
    )
    await waitFor(() =>
      expect(result.current.connections.data?.map((c) => c.id)).toContain('epic-sandbox'),
    )
    await waitFor(() => expect(result.current.search.isSuccess).toBe(true))

    // Sign-out, then the next user, in the same tab.
    user = null
    state.user = ''
    rerender()
    user = 'james.chalmers'
    state.user = 'james.chalmers'
    rerender()
    await waitFor(() => expect(result.current.connections.isSuccess).toBe(true))
    await waitFor(() => expect(result.current.search.isSuccess).toBe(true))
    expect(result.current.connections.data).toEqual([])

    const after = renders.filter((r) => r.user !== 'amy.shaw')
    expect(after.length).toBeGreaterThan(2)
    expect(after.every((r) => r.ids.length === 0)).toBe(true)
    // The previous user's search results are never shown as a placeholder.
    expect(after.some((r) => r.placeholder)).toBe(false)
    expect(
      queryClient.getQueryCache().findAll({ queryKey: ['oauth-connect', 'bwell', 'amy.shaw'] }),
    ).toEqual([])
  })
})
