/**
 * Relays the person added in Settings, kept in `localStorage` so that the next start dials
 * them too (the relay that served the app is always the first). Also: whether the app runs
 * from this computer, where private addresses and `ws://` are legitimate.
 * @module
 */

/** The `localStorage` key of the added relays (a JSON array of strings). */
export const RELAYS_KEY = 'alternet.relays'

/** Relays added by the person, in the order added. */
export function savedRelays(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(RELAYS_KEY) ?? '[]')
    return Array.isArray(value)
      ? value.filter((entry): entry is string => typeof entry === 'string')
      : []
  } catch {
    return []
  }
}

/** Keeps `relay` for the next start. */
export function addSavedRelay(relay: string): void {
  const relays = savedRelays()
  const entry = relay.trim()
  if (!relays.includes(entry)) localStorage.setItem(RELAYS_KEY, JSON.stringify([...relays, entry]))
}

/**
 * The `localStorage` key of the relays whose revokers the person trusts (a JSON array of relay
 * sources as configured); absent: the relay that served the app only.
 */
export const REVOKER_RELAYS_KEY = 'alternet.revokerRelays'

/** The relays whose revokers the person chose to trust, or undefined for the default. */
export function savedRevokerRelays(): string[] | undefined {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(REVOKER_RELAYS_KEY) ?? 'null')
    return Array.isArray(value)
      ? value.filter((entry): entry is string => typeof entry === 'string')
      : undefined
  } catch {
    return undefined
  }
}

/** Keeps the person's choice of relays whose revokers count. */
export function saveRevokerRelays(sources: readonly string[]): void {
  localStorage.setItem(REVOKER_RELAYS_KEY, JSON.stringify(sources))
}

/** Forgets `relay`: the next start no longer dials it. */
export function removeSavedRelay(relay: string): void {
  const entry = relay.trim()
  localStorage.setItem(RELAYS_KEY, JSON.stringify(savedRelays().filter((r) => r !== entry)))
}

/** Whether `hostname` is this computer: loopback, `localhost` or a `*.localhost` name. */
export function isLocalDevelopment(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname)
  )
}
