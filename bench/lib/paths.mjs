// Paths resolved from this file, so every script runs the same from the repo root or from bench/.
import { dirname, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The bench package folder. */
export const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
/** The repository root. */
export const repoRoot = resolve(benchDir, '..')
/** The workspace package folders, by their short name. */
export const packageDirs = {
  core: resolve(repoRoot, 'packages/core'),
  react: resolve(repoRoot, 'packages/react'),
  ui: resolve(repoRoot, 'packages/ui'),
  server: resolve(repoRoot, 'packages/server'),
}

/**
 * Whether the module with this URL is the script node was started with.
 * @param {string} moduleUrl `import.meta.url`
 * @returns {boolean}
 */
export function isMain(moduleUrl) {
  const script = process.argv[1]
  return script !== undefined && moduleUrl === pathToFileURL(resolve(script)).href
}
