/**
 * How many uploads a relay takes at once: one per peer, `MAX_UPLOADS_PER_SOURCE` per source
 * (address prefix: fresh peer IDs from one network cannot hold every slot) and
 * `MAX_CONCURRENT_UPLOADS` in all. Past any, the upload is refused as `busy`, in words.
 * @module
 */
import { UploadRefusedError } from './upload-offer.ts'

/** Uploads a relay takes at once, from all peers. */
export const MAX_CONCURRENT_UPLOADS = 8
/**
 * Uploads a relay takes at once from one source (address prefix): fresh peer IDs from one
 * network cannot hold every upload slot.
 */
export const MAX_UPLOADS_PER_SOURCE = 4

/** The upload slots of a relay, per peer, per source and in all. */
export class UploadSlots {
  private readonly active = new Set<string>()
  private readonly perSource = new Map<string, number>()

  /**
   * Takes a slot for an upload from `peer` of `source`, or throws `UploadRefusedError`
   * (`busy`). Returns the function that frees it (once, whenever called again).
   */
  enter(peer: string, source: string): () => void {
    if (this.active.has(peer))
      throw new UploadRefusedError('busy', 'An upload from this device is already under way.')
    if (this.active.size >= MAX_CONCURRENT_UPLOADS)
      throw new UploadRefusedError('busy', 'This relay takes as many uploads as it can now.')
    if ((this.perSource.get(source) ?? 0) >= MAX_UPLOADS_PER_SOURCE)
      throw new UploadRefusedError(
        'busy',
        'This relay takes as many uploads from your network as it can now.',
      )
    this.active.add(peer)
    this.perSource.set(source, (this.perSource.get(source) ?? 0) + 1)
    let entered = true
    return () => {
      if (!entered) return
      entered = false
      this.active.delete(peer)
      const n = (this.perSource.get(source) ?? 1) - 1
      if (n > 0) this.perSource.set(source, n)
      else this.perSource.delete(source)
    }
  }
}
