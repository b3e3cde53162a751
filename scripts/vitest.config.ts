import { workspaceProject } from '../vitest.shared.ts'

// The runner's own tests: the summary line and the security-cases check, on fabricated reports.
export default workspaceProject('scripts', 'node')
