import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * b.well's connect-flow schema subset as b.well publishes it (`connect-subset.contract.graphql`,
 * see its header for where it comes from). Kept apart from the served `schema.graphql`, so an
 * edit to what the mock serves cannot also move what the mock and the client are checked against.
 */
// A plain path, not `new URL(…, import.meta.url)`: happy-dom's URL does not resolve file: URLs.
export const bwellContractSdl = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), 'connect-subset.contract.graphql'),
  'utf8',
)
