import { keepPreviousData, type UseQueryResult, useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useBwellClient } from './BwellClientProvider.tsx'
import { bwellKeys } from './bwellKeys.ts'
import type { Provider } from './documents.ts'
import type { BwellError } from './errors.ts'

/** Options of {@link useProviderSearch}. */
export interface UseProviderSearchOptions {
  /** Wait this long after the last keystroke before searching. Default 250. */
  readonly debounceMs?: number
  /** Shortest query that searches. Default 1. */
  readonly minLength?: number
  /** Set `false` to hold the search, e.g. while nobody is signed in. Default `true`. */
  readonly enabled?: boolean
}

/**
 * Searches providers as the user types: debounced, and keeping the previous results on screen
 * while the next ones load.
 *
 * @param query the search text
 * @returns the TanStack query; `data` is the provider list
 */
export function useProviderSearch(
  query: string,
  options: UseProviderSearchOptions = {},
): UseQueryResult<readonly Provider[], BwellError> {
  const { debounceMs = 250, minLength = 1, enabled = true } = options
  const client = useBwellClient()
  const trimmed = query.trim()
  const [debounced, setDebounced] = useState(trimmed)
  useEffect(() => {
    const id = setTimeout(() => setDebounced(trimmed), debounceMs)
    return () => clearTimeout(id)
  }, [trimmed, debounceMs])
  return useQuery({
    queryKey: bwellKeys.providers(debounced),
    queryFn: ({ signal }) => client.searchProviders(debounced, { signal }),
    enabled: enabled && debounced.length >= minLength,
    placeholderData: keepPreviousData,
  })
}
