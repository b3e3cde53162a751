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

/** What {@link useHealthResourceSearch} returns: the TanStack query, plus the debounce state. */
export type UseHealthResourceSearchResult<TData = SearchHealthResourcesResults> = UseQueryResult<
  TData,
  BwellError
> & {
  /**
   * `true` while the `search` text has changed but the debounce has not sent it yet: `data` is
   * still the answer to the previous text. Show the list as stale (e.g. `aria-busy`) until both
   * this and `isPlaceholderData` are `false`, so nobody acts on a row that is about to move.
   */
  readonly isDebouncing: boolean
}

/**
 * Searches b.well's data sources (`searchHealthResources`). The `search` text is debounced;
 * `paging`, `filters` and the rest apply at once. While the next page or search loads, the
 * previous results stay on screen (`placeholderData`, `isPlaceholderData`), never another
 * user's. A result's `connectionId` is what `useDataSource` and the connect hooks take.
 *
 * @param input b.well's `SearchHealthResourcesInput`, e.g. `{ search, paging: { pageNumber, pageSize }, filters: { type } }`
 * @param options TanStack Query options (`enabled`, `select`, `staleTime`, …), `debounceMs`, `minLength`
 * @returns the TanStack query, whose `data` is b.well's `SearchHealthResourcesResults`, and
 *   `isDebouncing`
 */
export function useHealthResourceSearch<TData = SearchHealthResourcesResults>(
  input: SearchHealthResourcesInput,
  options: UseHealthResourceSearchOptions<TData> = {},
): UseHealthResourceSearchResult<TData> {
  const { debounceMs = 300, minLength = 0, ...queryOptions } = options
  const text = input.search?.trim() ?? ''
  const [search, setSearch] = useState(text)
  useEffect(() => {
    const id = setTimeout(() => setSearch(text), debounceMs)
    return () => clearTimeout(id)
  }, [text, debounceMs])
  const searchInput: SearchHealthResourcesInput = { ...input, search: search || null }
  const query = useBwellQuery(
    (user) => bwellKeys.search(user, searchInput),
    (client, signal) => client.searchHealthResources(searchInput, { signal }),
    { placeholderData: keepPreviousData, ...queryOptions },
    search.length >= minLength,
  )
  return { ...query, isDebouncing: text !== search }
}
