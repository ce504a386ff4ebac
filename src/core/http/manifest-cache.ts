/**
 * The decoded manifests a server keeps in memory, most recently used first: one cache shape for
 * the app's fetch, the host's route answers and the relay's gateway.
 * @module
 */
import type { Manifest } from '../content/index.ts'

/** Manifests kept decoded, most recently used first. */
export const DEFAULT_MANIFEST_CACHE_SIZE = 16

/** A least-recently-used cache of decoded manifests, by content root. */
export class ManifestCache {
  private readonly entries = new Map<string, Manifest>()
  private readonly size: number

  /** @param size Manifests kept. @default DEFAULT_MANIFEST_CACHE_SIZE */
  constructor(size: number = DEFAULT_MANIFEST_CACHE_SIZE) {
    this.size = size
  }

  /** The manifest of `root`, now the most recently used; undefined when not kept. */
  get(root: string): Manifest | undefined {
    const found = this.entries.get(root)
    if (found === undefined) return undefined
    this.entries.delete(root)
    this.entries.set(root, found)
    return found
  }

  /** Keeps `manifest` as the most recently used; the least recently used goes past the size. */
  set(root: string, manifest: Manifest): void {
    this.entries.delete(root)
    this.entries.set(root, manifest)
    if (this.entries.size > this.size)
      this.entries.delete(this.entries.keys().next().value as string)
  }

  /** Forgets the manifest of `root`. */
  delete(root: string): void {
    this.entries.delete(root)
  }

  /** Forgets every manifest. */
  clear(): void {
    this.entries.clear()
  }
}
