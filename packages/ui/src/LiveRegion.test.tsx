import { render, screen } from '@testing-library/react'
import { StrictMode } from 'react'
import { describe, expect, it } from 'vitest'
import { LiveRegion } from './LiveRegion.tsx'

describe('LiveRegion', () => {
  it('should announce politely by default and keep the region across updates', () => {
    const { rerender } = render(
      <StrictMode>
        <LiveRegion />
      </StrictMode>,
    )
    const region = screen.getByRole('status')
    expect(region.getAttribute('aria-live')).toBe('polite')
    rerender(
      <StrictMode>
        <LiveRegion>Connected</LiveRegion>
      </StrictMode>,
    )
    expect(screen.getByRole('status')).toBe(region)
    expect(region.textContent).toBe('Connected')
  })

  it('should use an assertive alert for errors and hide visually on request', () => {
    render(
      <LiveRegion role="alert" isVisuallyHidden>
        Timed out
      </LiveRegion>,
    )
    const region = screen.getByRole('alert')
    expect(region.getAttribute('aria-live')).toBe('assertive')
    expect(region.style.position).toBe('absolute')
  })
})
