import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'scripts', 'testing'],
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
  },
})
