// The app's own custom-redirect callback page: runs the toolkit's completeConnection().

/**
 * Calls `completeConnection` from the run-time namespace of `@oauth-connect/core/connect`.
 *
 * @param mod the namespace
 */
export function complete(mod: Record<string, unknown>): void {
  const completeConnection = mod.completeConnection
  if (typeof completeConnection !== 'function') {
    throw new Error('missing export "completeConnection" from "@oauth-connect/core/connect"')
  }
  completeConnection()
}
