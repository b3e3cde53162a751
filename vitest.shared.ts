import { fileURLToPath } from 'node:url'
import { defaultClientConditions, defaultServerConditions } from 'vite'
import { defineProject, type UserWorkspaceConfig } from 'vitest/config'

/** Workspace packages resolve to their TypeScript source through this export condition. */
export const sourceCondition = '@oauth-connect/source'

const domSetup = fileURLToPath(new URL('./vitest.setup.dom.ts', import.meta.url))

/** A Vitest project for one workspace, resolving sibling packages from source. */
export function workspaceProject(
  name: string,
  environment: 'happy-dom' | 'node',
  extra: UserWorkspaceConfig['test'] = {},
): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: [sourceCondition, ...defaultClientConditions] },
    ssr: { resolve: { conditions: [sourceCondition, ...defaultServerConditions] } },
    test: {
      name,
      environment,
      include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
      restoreMocks: true,
      ...(environment === 'happy-dom' ? { setupFiles: [domSetup] } : {}),
      unstubGlobals: true,
      ...extra,
    },
  })
}
