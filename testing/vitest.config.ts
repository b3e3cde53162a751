import { workspaceProject } from '../vitest.shared.ts'

export default workspaceProject('testing', 'node', { include: ['test/**/*.test.ts'] })
