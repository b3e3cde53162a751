import { describe, expectTypeOf, it } from 'vitest'
import type { connectProvider } from './connectProvider.ts'
import type { ConnectionError } from './errors.ts'
import type { ConnectionOutcome, ConnectionStatus } from './outcome.ts'
import type { StatusCode } from './status.ts'

// Checked by `tsc` (the package typecheck); at run time these assertions are no-ops.
describe('public types', () => {
  it('should narrow outcomes on status', () => {
    const narrow = (outcome: ConnectionOutcome) => {
      if (outcome.status === 'success') expectTypeOf(outcome.statusCode).toEqualTypeOf<'success'>()
      if (outcome.status === 'unauthorized') {
        expectTypeOf(outcome.statusCode).toEqualTypeOf<'unauthorized'>()
      }
      if (outcome.status === 'error') {
        expectTypeOf(outcome.cause).toEqualTypeOf<ConnectionError | undefined>()
        expectTypeOf(outcome.statusCode).toEqualTypeOf<StatusCode | undefined>()
      }
      if (outcome.status === 'timeout') expectTypeOf(outcome).not.toHaveProperty('statusCode')
    }
    expectTypeOf(narrow).toBeFunction()
    expectTypeOf<ConnectionStatus>().toEqualTypeOf<
      StatusCode | 'closed' | 'timeout' | 'blocked' | 'aborted'
    >()
  })

  it('should resolve, never reject with a flow error', () => {
    expectTypeOf<ReturnType<typeof connectProvider>>().toEqualTypeOf<Promise<ConnectionOutcome>>()
  })
})
