import { render } from '@testing-library/react'
import { StrictMode, useEffect } from 'react'
import { describe, expect, it } from 'vitest'
import { useLatest } from './useLatest.ts'

function Probe({ value, seen }: { value: string; seen: string[] }) {
  const latest = useLatest(value)
  useEffect(() => {
    seen.push(latest.current)
  })
  return null
}

describe('useLatest', () => {
  it('should expose the newest value to effects under StrictMode', () => {
    const seen: string[] = []
    const { rerender } = render(
      <StrictMode>
        <Probe value="a" seen={seen} />
      </StrictMode>,
    )
    rerender(
      <StrictMode>
        <Probe value="b" seen={seen} />
      </StrictMode>,
    )
    expect(seen.at(-1)).toBe('b')
    expect(seen).not.toContain(undefined)
  })
})
