/**
 * Whether the person helps host the sites they visit (Settings, and offered on a site's
 * details), kept in `localStorage` so that the next start serves them again. Off by default.
 * @module
 */

/** The choice, as Settings and a site's details both name it. */
export const HELP_HOSTING_LABEL = 'Help host the sites I visit'

/** The `localStorage` key of the choice (`"on"` when helping). */
export const HELP_HOSTING_KEY = 'alternet.help-hosting'

/** Whether the person chose to help host what they visit. */
export function savedHelpHosting(): boolean {
  try {
    return localStorage.getItem(HELP_HOSTING_KEY) === 'on'
  } catch {
    return false
  }
}

/** Keeps the choice for the next start. */
export function saveHelpHosting(on: boolean): void {
  if (on) localStorage.setItem(HELP_HOSTING_KEY, 'on')
  else localStorage.removeItem(HELP_HOSTING_KEY)
}
