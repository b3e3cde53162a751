import '@oauth-connect/ui/styles.css'
import './app.css'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'

const root = document.getElementById('root')
if (!root) throw new Error('missing #root element')

// Errors show in the panels at once; retrying a refused request would only delay them.
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
)
