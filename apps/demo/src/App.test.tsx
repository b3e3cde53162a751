import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen } from '@testing-library/react'
import { StrictMode } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { App } from './App.tsx'

function renderApp() {
  // The system-access panel asks the backend once; here nothing answers.
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response('{}', { status: 404 })),
  )
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  return render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  )
}

describe('App', () => {
  it('should show the demo heading and every panel', () => {
    renderApp()
    expect(screen.getByRole('heading', { level: 1, name: 'oauth-connect demo' })).toBeTruthy()
    for (const name of [
      'Sign in',
      'Connect a data source',
      'Settings',
      'System access',
      'Event log',
    ]) {
      expect(screen.getByRole('region', { name })).toBeTruthy()
    }
  })

  it('should start signed out, with the provider search disabled', () => {
    renderApp()
    expect(screen.getByText('You are signed out.')).toBeTruthy()
    const search = screen.getByLabelText('Search providers') as HTMLInputElement
    expect(search.disabled).toBe(true)
  })

  it('should say when the system access route is not available', async () => {
    renderApp()
    expect(await screen.findByText(/System access status is not available/)).toBeTruthy()
  })
})
