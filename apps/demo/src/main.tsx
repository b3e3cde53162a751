import '@oauth-connect/ui/styles.css'
import './app.css'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import { relayLoginCallback } from './popupLogin.ts'

const root = document.getElementById('root')
if (!root) throw new Error('missing #root element')

// Inside the sign-in popup the callback page only hands the URL to the opener and closes.
if (location.pathname === '/callback' && relayLoginCallback()) {
  root.textContent = 'Signing in… this window closes itself.'
} else {
  // Errors show in the panels at once; retrying a refused request would only delay them.
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  )
}
