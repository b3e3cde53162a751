import { useSyncExternalStore } from 'react'

// A router is one dependency too many for three routes: the History API and an event suffice.
const changeEvent = 'oauth-connect-demo:navigate'

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener)
  window.addEventListener(changeEvent, listener)
  return () => {
    window.removeEventListener('popstate', listener)
    window.removeEventListener(changeEvent, listener)
  }
}

const snapshot = () => location.pathname + location.search

/** The current path and query; re-renders on navigation. */
export function useLocation(): { pathname: string; search: string } {
  const current = useSyncExternalStore(subscribe, snapshot)
  const url = new URL(current, 'http://x')
  return { pathname: url.pathname, search: url.search }
}

/**
 * Moves to a same-origin path without reloading, so tokens held in memory survive.
 * @param path a path on this origin, e.g. `/?mode=poll`
 * @param replace replace the history entry instead of adding one
 */
export function navigate(path: string, replace = false): void {
  const url = new URL(path, location.origin)
  if (url.origin !== location.origin) throw new TypeError('"path" must stay on this origin')
  const target = url.pathname + url.search + url.hash
  if (replace) history.replaceState(null, '', target)
  else history.pushState(null, '', target)
  window.dispatchEvent(new Event(changeEvent))
}
