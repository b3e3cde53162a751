import { expect } from 'vitest'
import { BwellError } from '../errors.ts'

/** The {@link BwellError} a promise rejects with; the test fails when it resolves or rejects otherwise. */
export async function failure(promise: Promise<unknown>): Promise<BwellError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(BwellError)
  return error as BwellError
}
