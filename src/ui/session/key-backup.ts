/**
 * Whether the person backed up their owner key, and whether they were asked to: after their
 * first publication the app asks once, with one button to the export form. Kept per key
 * fingerprint in `localStorage` (a preference of this browser, not a secret).
 * @module
 */

/** `localStorage` key: fingerprints of the owner keys exported (or imported) in this browser. */
export const BACKED_UP_KEY = 'alternet.keyBackedUp'
/** `localStorage` key: fingerprints of the owner keys whose backup the app has asked for. */
export const ASKED_KEY = 'alternet.keyBackupAsked'
/** The identity route's argument that opens the export form: `#/identity/export`. */
export const EXPORT_ARGUMENT = 'export'

function read(key: string): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? '[]')
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  } catch {
    return []
  }
}

function add(key: string, fingerprint: string): void {
  const list = read(key)
  if (list.includes(fingerprint)) return
  try {
    localStorage.setItem(key, JSON.stringify([...list, fingerprint]))
  } catch {
    // No storage for preferences: the question may come again, nothing worse.
  }
}

/** Notes that the key was written to a file (exported) or came from one (imported). */
export function markBackedUp(fingerprint: string): void {
  add(BACKED_UP_KEY, fingerprint)
}

/**
 * Whether to ask for a backup of the key now: it was never backed up nor asked for here. Asking
 * is noted, so the question comes once.
 */
export function askBackupOnce(fingerprint: string): boolean {
  if (read(BACKED_UP_KEY).includes(fingerprint) || read(ASKED_KEY).includes(fingerprint))
    return false
  add(ASKED_KEY, fingerprint)
  return true
}
