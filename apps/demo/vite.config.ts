import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig, type Plugin } from 'vite'

/** Paths whose URL carries an authorization code or a connection status. */
const callbackPaths = new Set(['/callback', '/connect/callback', '/smart/callback'])

/**
 * Sends `Referrer-Policy: no-referrer` with the callback pages, so the code and state in their
 * URL never reach another server in a `Referer` header, not even from the scripts the page loads
 * before it strips them ([SEC-11], RFC 9700 §4.2.4).
 */
function callbackReferrerPolicy(): Plugin {
  const middleware = (
    req: { url?: string | undefined },
    res: { setHeader(name: string, value: string): unknown },
    next: () => void,
  ) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (callbackPaths.has(path)) res.setHeader('Referrer-Policy', 'no-referrer')
    next()
  }
  return {
    name: 'oauth-connect-demo:callback-referrer-policy',
    configureServer: (server) => {
      server.middlewares.use(middleware)
    },
    configurePreviewServer: (server) => {
      server.middlewares.use(middleware)
    },
  }
}

// Only these values reach the browser: origins, never a secret.
const origins = {
  bwell: process.env.MOCK_BWELL_ORIGIN ?? 'http://127.0.0.1:4000',
  medblocks: process.env.MOCK_MEDBLOCKS_ORIGIN ?? 'http://127.0.0.1:4002',
}

// A page reload in the middle of an end-to-end test signs the user out (tokens live in memory):
// on CI, or with DEMO_HMR=off, edits elsewhere in the workspace must not reload the demo.
const frozen = !!process.env.CI || process.env.DEMO_HMR === 'off'

// Frozen, the workspace packages are pre-bundled like any dependency: a page then makes about 40
// requests instead of 90, a large part of an end-to-end test's time in a fresh browser context.
const workspaceEntries = [
  '@oauth-connect/core/connect',
  '@oauth-connect/core/login',
  '@oauth-connect/core/smart',
  '@oauth-connect/react',
  '@oauth-connect/react/bwell',
  '@oauth-connect/ui',
]

export default defineConfig({
  plugins: [react(), callbackReferrerPolicy()],
  // force: the optimizer's cache key ignores the packages' source, so a stale bundle could hide
  // an edit; re-bundling at each start costs about a second.
  ...(frozen && { optimizeDeps: { include: workspaceEntries, force: true } }),
  define: { __DEMO_ORIGINS__: JSON.stringify(origins) },
  // Workspace packages are used from source: no build step before `pnpm demo`.
  resolve: { conditions: ['@oauth-connect/source', ...defaultClientConditions] },
  server: {
    host: 'localhost',
    port: 5173,
    strictPort: true,
    ...(frozen && { hmr: false, watch: null }),
  },
  preview: { host: 'localhost', port: 5173, strictPort: true },
})
