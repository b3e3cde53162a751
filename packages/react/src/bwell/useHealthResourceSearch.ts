import { keepPreviousData, type UseQueryResult } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { bwellKeys } from './bwellKeys.ts'
import type { BwellError } from './errors.ts'
import type { SearchHealthResourcesInput, SearchHealthResourcesResults } from './types.ts'
import { type BwellQueryOptions, useBwellQuery } from './useBwellQuery.ts'

/** Options of {@link useHealthResourceSearch}: TanStack Query's, plus the debounce. */
export type UseHealthResourceSearchOptions<TData = SearchHealthResourcesResults> =
  BwellQueryOptions<SearchHealthResourcesResults, TData> & {
    /** Wait this long after the last change of `search` before searching. Default 300. */
    readonly debounceMs?: number
    /** Shortest `search` text that searches; `0` lists sources with no text. Default 0. */
    readonly minLength?: number
  }

/**
 * Searches b.well's data sources (`searchHealthResources`). The `search` text is debounced;
 * `paging`, `filters` and the rest apply at once. While the next page or search loads, the
 * previous results stay on screen (`placeholderData`, `isPlaceholderData`), never another
 * user's. A result's `connectionId` is what `useDataSource` and the connect hooks take.
 *
 * @param input b.well's `SearchHealthResourcesInput`, e.g. `{ search, paging: { pageNumber, pageSize }, filters: { type } }`
 * @param options TanStack Query options (`enabled`, `select`, `staleTime`, …), `debounceMs`, `minLength`
 * @returns the TanStack query; `data` is b.well's `SearchHealthResourcesResults`
 */
export function useHealthResourceSearch<TData = SearchHealthResourcesResults>(
  input: SearchHealthResourcesInput,
  options: UseHealthResourceSearchOptions<TData> = {},
): UseQueryResult<TData, BwellError> {
  const { debounceMs = 300, minLength = 0, ...queryOptions } = options
  const text = input.search?.trim() ?? ''
  const [search, setSearch] = useState(text)
  useEffect(() => {
    const id = setTimeout(() => setSearch(text), debounceMs)
    return () => clearTimeout(id)
  }, [text, debounceMs])
  const searchInput: SearchHealthResourcesInput = { ...input, search: search || null }
  return useBwellQuery(
    (user) => bwellKeys.search(user, searchInput),
    (client, signal) => client.searchHealthResources(searchInput, { signal }),
    { placeholderData: keepPreviousData, ...queryOptions },
    search.length >= minLength,
  )
}
