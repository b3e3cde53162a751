// Type tests of the b.well hooks' option pass-through, checked by `tsc` (typecheck). The hooks
// are only named inside functions that never run: calling them outside a component would throw.
import type { UseQueryResult } from '@tanstack/react-query'
import { describe, expectTypeOf, it } from 'vitest'
import type { BwellError } from './errors.ts'
import type { Connection, DataSource, SearchHealthResourcesResults } from './types.ts'
import { useDataSource } from './useDataSource.ts'
import { useHealthResourceSearch } from './useHealthResourceSearch.ts'
import { useMemberConnections } from './useMemberConnections.ts'

function useTypedBySelect() {
  expectTypeOf(useHealthResourceSearch({})).toEqualTypeOf<
    UseQueryResult<SearchHealthResourcesResults, BwellError> & { readonly isDebouncing: boolean }
  >()
  expectTypeOf(
    useHealthResourceSearch({}, { select: (data) => data.pagingInfo?.totalItems ?? 0 }),
  ).toEqualTypeOf<UseQueryResult<number, BwellError> & { readonly isDebouncing: boolean }>()
  expectTypeOf(useDataSource('x', { select: (source) => source.category })).toEqualTypeOf<
    UseQueryResult<DataSource['category'], BwellError>
  >()
  expectTypeOf(
    useMemberConnections({
      enabled: false,
      staleTime: 1,
      retry: 1,
      select: (list) => list.length,
    }),
  ).toEqualTypeOf<UseQueryResult<number, BwellError>>()
  expectTypeOf(useMemberConnections().data).toEqualTypeOf<readonly Connection[] | undefined>()
}

function useRefusesOwnedOptions() {
  // @ts-expect-error queryKey belongs to the hook (it holds the user)
  useDataSource('x', { queryKey: ['other'] })
  // @ts-expect-error queryFn belongs to the hook
  useMemberConnections({ queryFn: () => [] })
  // @ts-expect-error source is one of two
  useMemberConnections({ source: 'fhir' })
}

describe('b.well hook types', () => {
  it('should type data by select, errors as BwellError, and refuse the options the hooks own', () => {
    expectTypeOf(useTypedBySelect).returns.toBeVoid()
    expectTypeOf(useRefusesOwnedOptions).returns.toBeVoid()
  })
})
