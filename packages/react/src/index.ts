export * from './auth/index.ts'
export * from './connect/index.ts'
export { useLatest } from './useLatest.ts'
