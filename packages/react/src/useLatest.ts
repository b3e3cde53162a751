import { useInsertionEffect, useRef } from 'react'

/**
 * Keeps a ref pointing at the latest value, so that effects and event handlers created once can
 * call the newest callback props without re-subscribing.
 */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value)
  // Insertion effects run before layout effects and event handlers read the ref.
  useInsertionEffect(() => {
    ref.current = value
  })
  return ref
}
