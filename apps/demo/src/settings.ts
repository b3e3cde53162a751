/**
 * Where b.well sends the user after the provider: fixed per client key at onboarding, never
 * chosen per call. The demo holds one client key for each.
 */
export type ReturnTarget = 'hosted' | 'custom'

/** How a connection attempt learns that the provider is done. */
export type CompletionMode = 'hosted' | 'poll' | 'broadcast' | 'redirect' | 'auto'

/** Where the login client keeps tokens. */
export type TokenStorageSetting = 'memory' | 'session'

/** The demo's settings, all kept in the URL query so that a link reproduces a setup. */
export interface Settings {
  /** The completion mode; it also decides the return target, see {@link returnTargetOf}. */
  readonly mode: CompletionMode
  readonly timeoutMs: number
  /** Sign in through a popup instead of redirecting the tab. */
  readonly loginPopup: boolean
  readonly storage: TokenStorageSetting
}

/** The two registered return targets, with their labels and the mode each starts with. */
export const returnTargets: readonly {
  value: ReturnTarget
  label: string
  hint: string
  defaultMode: CompletionMode
}[] = [
  {
    value: 'hosted',
    label: "b.well's hosted page",
    hint: "Client key registered with b.well's completion page, which posts 'status-success' or 'status-failure' to this tab.",
    defaultMode: 'hosted',
  },
  {
    value: 'custom',
    label: 'Custom redirect (/connect/callback)',
    hint: "Client key registered with this app's /connect/callback; b.well appends only status_code.",
    defaultMode: 'broadcast',
  },
]

/** The completion modes, in the order the settings panel lists them, with their labels. */
export const completionModes: readonly {
  value: CompletionMode
  target: ReturnTarget
  label: string
  hint: string
}[] = [
  {
    value: 'hosted',
    target: 'hosted',
    label: 'Hosted page (postMessage)',
    hint: "b.well's completion page posts 'status-success' or 'status-failure' to this tab.",
  },
  {
    value: 'poll',
    target: 'custom',
    label: 'Custom redirect (URL polling)',
    hint: 'b.well returns to /connect/callback; this tab reads the popup URL.',
  },
  {
    value: 'broadcast',
    target: 'custom',
    label: 'Custom redirect (BroadcastChannel)',
    hint: 'b.well returns to /connect/callback, which reports over a BroadcastChannel.',
  },
  {
    value: 'redirect',
    target: 'custom',
    label: 'Redirect (no popup)',
    hint: 'The whole tab goes to the provider and comes back to /connect/callback.',
  },
  {
    value: 'auto',
    target: 'custom',
    label: 'Auto',
    hint: 'A popup racing every channel, falling back to a redirect when the popup is blocked.',
  },
]

/**
 * The return target a mode needs. Only the hosted page posts to the opener from b.well's origin;
 * polling, the broadcast and the redirect all need b.well to come back to this app's origin.
 */
export function returnTargetOf(mode: CompletionMode): ReturnTarget {
  return mode === 'hosted' ? 'hosted' : 'custom'
}

export const defaultSettings: Settings = {
  mode: 'hosted',
  timeoutMs: 300_000,
  loginPopup: false,
  storage: 'memory',
}

/** Bounds of the timeout field: long enough to click, short enough to wait for. */
export const timeoutBounds = { min: 100, max: 3_600_000 } as const

function isMode(value: string | null): value is CompletionMode {
  return completionModes.some((m) => m.value === value)
}

const storageKey = 'oauth-connect-demo:token-storage'

/**
 * The token storage for this page load. The callback routes' URLs carry no settings, so the
 * choice made on the main page is remembered in sessionStorage (a preference, never a token).
 */
export function tokenStorageFor(pathname: string, search: string): TokenStorageSetting {
  const callback = pathname === '/callback' || pathname === '/connect/callback'
  try {
    if (callback) return sessionStorage.getItem(storageKey) === 'session' ? 'session' : 'memory'
    const storage = readSettings(search).storage
    sessionStorage.setItem(storageKey, storage)
    return storage
  } catch {
    return callback ? 'memory' : readSettings(search).storage
  }
}

/** Reads the settings from a query string; anything unknown falls back to the default. */
export function readSettings(search: string): Settings {
  const params = new URLSearchParams(search)
  const mode = params.get('mode')
  const timeout = Number(params.get('timeout'))
  return {
    mode: isMode(mode) ? mode : defaultSettings.mode,
    timeoutMs:
      params.has('timeout') &&
      Number.isInteger(timeout) &&
      timeout >= timeoutBounds.min &&
      timeout <= timeoutBounds.max
        ? timeout
        : defaultSettings.timeoutMs,
    loginPopup: params.get('signin') === 'popup',
    storage: params.get('storage') === 'session' ? 'session' : 'memory',
  }
}

/**
 * Writes the settings into a query string, keeping other parameters and leaving defaults out so
 * that links stay short.
 */
export function writeSettings(search: string, settings: Settings): string {
  const params = new URLSearchParams(search)
  const set = (name: string, value: string | undefined) => {
    if (value === undefined) params.delete(name)
    else params.set(name, value)
  }
  set('mode', settings.mode === defaultSettings.mode ? undefined : settings.mode)
  set(
    'timeout',
    settings.timeoutMs === defaultSettings.timeoutMs ? undefined : String(settings.timeoutMs),
  )
  set('signin', settings.loginPopup ? 'popup' : undefined)
  set('storage', settings.storage === 'session' ? 'session' : undefined)
  const query = params.toString()
  return query ? `?${query}` : ''
}
