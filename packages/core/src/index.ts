export * from './connect/index.ts'
export * from './login/index.ts'
