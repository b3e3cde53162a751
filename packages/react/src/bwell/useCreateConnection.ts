import type { UseMutationResult } from '@tanstack/react-query'
import { useCallback, useRef } from 'react'
import type { CreateConnectionInput } from './client.ts'
import type { BwellError } from './errors.ts'
import type { Connection } from './types.ts'
import { type BwellMutationOptions, useBwellMutation } from './useConnectionMutations.ts'

/** What the mutation keeps of a credentials attempt: never the password. */
export interface CreateConnectionVariables {
  readonly connectionId: string
  readonly username: string
}

/** What {@link useCreateConnection} returns: the TanStack mutation, with `createConnection` for `mutate`. */
export type UseCreateConnectionResult = Omit<
  UseMutationResult<Connection, BwellError, CreateConnectionVariables>,
  'mutate' | 'mutateAsync'
> & {
  /**
   * Sends the credentials once (`createConnection`). The password goes to b.well and nowhere
   * else: the mutation's `variables` hold only the connection id and username.
   *
   * @returns the new connection; rejects with a {@link BwellError} (e.g. `graphql_error` with
   *   `graphqlCode` `"401"` or an issue for wrong credentials)
   */
  createConnection(input: CreateConnectionInput): Promise<Connection>
}

/**
 * Connects a `BASIC` data source with a username and password. Never retried: the password is
 * used once. On success the user's connections are refetched.
 *
 * @param options TanStack mutation options (`onSuccess`, `onError`, …) over the variables without the password
 */
export function useCreateConnection(
  options: Omit<BwellMutationOptions<Connection, CreateConnectionVariables>, 'retry'> = {},
): UseCreateConnectionResult {
  // Keyed by the variables object of one call, and deleted as soon as that call reads it.
  const passwords = useRef(new WeakMap<CreateConnectionVariables, string>())
  const {
    mutate: _mutate,
    mutateAsync,
    ...mutation
  } = useBwellMutation(
    (client, variables: CreateConnectionVariables) => {
      const password = passwords.current.get(variables) ?? ''
      passwords.current.delete(variables)
      return client.createConnection({ ...variables, password })
    },
    { ...options, retry: false },
  )
  const createConnection = useCallback(
    ({ connectionId, username, password }: CreateConnectionInput) => {
      const variables: CreateConnectionVariables = { connectionId, username }
      passwords.current.set(variables, password)
      return mutateAsync(variables)
    },
    [mutateAsync],
  )
  return { ...mutation, createConnection }
}
