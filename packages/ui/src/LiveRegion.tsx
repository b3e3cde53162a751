import type { ReactNode } from 'react'

/** Props of {@link LiveRegion}. */
export interface LiveRegionProps {
  /** The text to announce. Changing it makes screen readers speak the new text. */
  children?: ReactNode
  /** `alert` interrupts (errors); `status` waits for a pause (everything else). */
  role?: 'status' | 'alert'
  /** Render the region off-screen, for announcements that have no visible twin. */
  isVisuallyHidden?: boolean
  /** For `aria-describedby` on the control the region explains. */
  id?: string
  className?: string | undefined
}

// Off-screen but still read: `display: none` or `visibility: hidden` would silence the region.
const hidden = {
  position: 'absolute',
  width: 1,
  overflow: 'hidden',
  clipPath: 'inset(50%)',
  whiteSpace: 'nowrap',
} as const

/**
 * A live region that is always mounted, so the first message is announced too: screen readers
 * ignore text inserted together with its region.
 */
export function LiveRegion({
  children,
  role = 'status',
  isVisuallyHidden,
  id,
  className,
}: LiveRegionProps): ReactNode {
  return (
    <div
      id={id}
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
