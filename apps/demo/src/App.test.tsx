import { render, screen } from '@testing-library/react'
import { StrictMode } from 'react'
import { describe, expect, it } from 'vitest'
import { App } from './App.tsx'

describe('App', () => {
  it('should show the demo heading', () => {
    render(
      <StrictMode>
        <App />
      </StrictMode>,
    )
    expect(screen.getByRole('heading', { level: 1, name: 'oauth-connect demo' })).toBeTruthy()
  })
})
