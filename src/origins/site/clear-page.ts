/**
 * The clear page of a site origin, `/__an/clear` (docs/ORIGINS.md, "Clearing"), for the app's
 * Settings and for an accepted key change. The relay serves it only to a page of the app, with
 * `Clear-Site-Data`, which makes the browser delete the origin's Cache Storage (offline copies),
 * service workers, IndexedDB, local storage and HTTP cache before the page loads; this script
 * deletes the same itself where a browser ignores the header, and the origin's cookies
 * (`"cookies"` in the header would clear the whole app domain's), then tells the app (its
 * parent, and only the app's origin) that the origin is clear.
 * @module
 */
import { BRIDGE_PROTOCOL_VERSION, SITE_CLEARED_MESSAGE } from '../shared/constants.ts'
import { appOriginOf } from '../shared/site-origin.ts'

/** Runs one wipe; a part the browser refuses (or lacks) does not stop the others. */
async function quietly(wipe: () => unknown): Promise<void> {
  try {
    await wipe()
  } catch {
    // The header did it already, or this browser has no such storage.
  }
}

async function clearOrigin(): Promise<void> {
  await quietly(async () => {
    for (const key of await caches.keys()) await caches.delete(key)
  })
  await quietly(async () => {
    for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister()
  })
  await quietly(async () => {
    for (const db of await indexedDB.databases())
      if (db.name != null && db.name !== '') indexedDB.deleteDatabase(db.name)
  })
  await quietly(() => localStorage.clear())
  // A site's cookies are all set by its scripts (its answers come from a service worker, whose
  // Set-Cookie the browser ignores), so its scripts' view of them is all there is to delete.
  await quietly(() => {
    for (const pair of document.cookie.split(';')) {
      const name = pair.split('=')[0].trim()
      if (name !== '') document.cookie = `${name}=; Max-Age=0; Path=/`
    }
  })
  parent.postMessage(
    { v: BRIDGE_PROTOCOL_VERSION, type: SITE_CLEARED_MESSAGE },
    appOriginOf(location.origin),
  )
}

void clearOrigin()
