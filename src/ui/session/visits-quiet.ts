/**
 * When no site is being opened: the app's own service worker waits for it before it registers,
 * because its install downloads the whole app into its precache, and that download competes
 * with a first visit for the relay that serves both, for the network and for the CPU.
 * @module
 */

/**
 * Time with no site being opened (no bridge loading, no first document being asked for) before
 * the app's worker registers, in ms.
 */
export const VISITS_QUIET_MS = 2_000

/** Watches a bridge host's `open` and `document` events: which sites are still being opened. */
export class VisitActivity {
  private readonly opening = new Set<string>()
  private last = performance.now()

  /** Starts watching `bridges` (the bridge host). */
  watch(bridges: EventTarget): void {
    bridges.addEventListener('open', (event) => {
      this.opening.add((event as CustomEvent<{ site: string }>).detail.site)
      this.last = performance.now()
    })
    bridges.addEventListener('document', (event) => {
      this.opening.delete((event as CustomEvent<{ site: string }>).detail.site)
      this.last = performance.now()
    })
  }

  /**
   * Resolves once no site is being opened (every bridge opened has shown its first document)
   * and nothing happened for `quietMs`, counted from the call at the earliest.
   */
  whenQuiet(quietMs = VISITS_QUIET_MS): Promise<void> {
    const from = performance.now()
    return new Promise((resolve) => {
      const check = (): void => {
        const waited = performance.now() - Math.max(this.last, from)
        if (this.opening.size === 0 && waited >= quietMs) return resolve()
        setTimeout(check, Math.max(quietMs - waited, quietMs / 4))
      }
      check()
    })
  }
}
