/**
 * The page's budget of CAR requests under way at each mirror, shared by every file it reads: a
 * relay lets one address block have a few CARs under way at once (8 on the reference relay,
 * docs/PROTOCOL.md "Blocks over HTTP") and refuses more with 429, and each file read alone
 * asks for several. A CAR past the budget waits its turn (first asked, first begun) instead of
 * being refused and sending its file to libp2p; so does a block asked alone (`GET /ipfs/<cid>`).
 * @module
 */

/**
 * CARs one page keeps under way at one mirror: below the reference relay's 8 per address block,
 * so another tab or device behind the same address still has room.
 */
export const PAGE_CARS_PER_MIRROR = 6

/** A CAR's place at a mirror, given back once its answer has ended. */
export type CarSlot = () => void

interface Waiting {
  grant(slot: CarSlot): void
}

/** CARs under way and waiting, by mirror origin. */
export class CarSlots {
  private readonly running = new Map<string, number>()
  private readonly waiting = new Map<string, Waiting[]>()

  private readonly limit: number

  constructor(limit = PAGE_CARS_PER_MIRROR) {
    this.limit = limit
  }

  /** CARs under way at `origin` and waiting for it: how busy it is for this page. */
  load(origin: string): number {
    return (this.running.get(origin) ?? 0) + (this.waiting.get(origin)?.length ?? 0)
  }

  /** Whether a CAR at `origin` would begin at once. */
  free(origin: string): boolean {
    return (this.running.get(origin) ?? 0) < this.limit && !this.waiting.has(origin)
  }

  /** A place for one CAR at `origin`, at once or when one ends; rejects when `signal` aborts first. */
  take(origin: string, signal?: AbortSignal): Promise<CarSlot> {
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error)
    if ((this.running.get(origin) ?? 0) < this.limit) return Promise.resolve(this.begin(origin))
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(origin) ?? []
      this.waiting.set(origin, queue)
      const onAbort = (): void => {
        const at = queue.indexOf(entry)
        if (at >= 0) queue.splice(at, 1)
        if (queue.length === 0) this.waiting.delete(origin)
        reject(signal?.reason)
      }
      const entry: Waiting = {
        grant: (slot) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(slot)
        },
      }
      queue.push(entry)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Counts a CAR under way at `origin`; its slot hands the place on to the next waiting. */
  private begin(origin: string): CarSlot {
    this.running.set(origin, (this.running.get(origin) ?? 0) + 1)
    let given = false
    return () => {
      if (given) return
      given = true
      const left = (this.running.get(origin) ?? 1) - 1
      if (left > 0) this.running.set(origin, left)
      else this.running.delete(origin)
      const queue = this.waiting.get(origin)
      const next = queue?.shift()
      if (queue?.length === 0) this.waiting.delete(origin)
      next?.grant(this.begin(origin))
    }
  }
}

/** The budget of this page (this JavaScript realm): every file it reads shares it. */
export const pageCarSlots = new CarSlots()
