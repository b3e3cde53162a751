import { workspaceProject } from '../../vitest.shared.ts'

export default workspaceProject('mock-backend', 'node')
