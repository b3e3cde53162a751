import type { ReactNode } from 'react'

/** Props of {@link LiveRegion}. */
export interface LiveRegionProps {
  /** The text to announce. Changing it makes screen readers speak the new text. */
  children?: ReactNode
  /** `alert` interrupts (errors); `status` waits for a pause (everything else). */
  role?: 'status' | 'alert'
  /** Render the region off-screen, for announcements that have no visible twin. */
  isVisuallyHidden?: boolean
  className?: string
}

const hidden = {
  border: 0,
  clip: 'rect(0 0 0 0)',
  clipPath: 'inset(50%)',
  height: 1,
  margin: -1,
  overflow: 'hidden',
  padding: 0,
  position: 'absolute',
  whiteSpace: 'nowrap',
  width: 1,
} as const

/**
 * A live region that is always mounted, so the first message is announced too: screen readers
 * ignore text inserted together with its region.
 */
export function LiveRegion({
  children,
  role = 'status',
  isVisuallyHidden,
  className,
}: LiveRegionProps) {
  return (
    <div
      role={role}
      aria-live={role === 'alert' ? 'assertive' : 'polite'}
      aria-atomic="true"
      className={className}
      style={isVisuallyHidden ? hidden : undefined}
    >
      {children}
    </div>
  )
}
