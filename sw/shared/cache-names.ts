/**
 * Versioned cache names: each build's precache lives in a cache named after a hash of its
 * manifest, and caches of other versions are deleted when the new worker activates.
 * @module
 */

/** A precache manifest entry as workbox-build injects it. */
export interface ManifestEntry {
  url: string
  revision: string | null
}

/** FNV-1a (32 bit) of the manifest: changes exactly when a precached file changes. */
export function manifestVersion(entries: readonly ManifestEntry[]): string {
  let hash = 0x811c9dc5
  for (const char of JSON.stringify(entries.map((e) => [e.url, e.revision]))) {
    hash ^= char.charCodeAt(0)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}

/** Deletes every cache whose name starts with `prefix` except `keep`; returns those deleted. */
export async function deleteOtherVersions(prefix: string, keep: string): Promise<string[]> {
  const names = (await caches.keys()).filter((name) => name.startsWith(prefix) && name !== keep)
  await Promise.all(names.map((name) => caches.delete(name)))
  return names
}
