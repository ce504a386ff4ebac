/**
 * The viewer's own back/forward list. The site frame lives on another origin, so the shell
 * cannot read its history; it learns each document the frame shows from the bridge and keeps
 * the list here. A document equal to the entry just behind or ahead is taken as a move along
 * the list (the browser's own back button does that too), anything else as a new visit.
 * @module
 */

/** A back/forward list of addresses. */
export class FrameHistory {
  private entries: string[] = []
  private index = -1

  /** The address shown now. */
  get current(): string | undefined {
    return this.entries[this.index]
  }

  get canGoBack(): boolean {
    return this.index > 0
  }

  get canGoForward(): boolean {
    return this.index < this.entries.length - 1
  }

  /** Records that `address` is shown now. */
  visit(address: string): void {
    if (address === this.entries[this.index]) return
    if (this.index > 0 && address === this.entries[this.index - 1]) {
      this.index--
      return
    }
    if (address === this.entries[this.index + 1]) {
      this.index++
      return
    }
    this.entries = [...this.entries.slice(0, this.index + 1), address]
    this.index = this.entries.length - 1
  }

  /**
   * Records `address`, opened from the address bar, as a new visit: A, B, then A typed again
   * is three entries (Back goes to B), not a move back along the list.
   */
  open(address: string): void {
    if (address === this.entries[this.index]) return
    this.entries = [...this.entries.slice(0, this.index + 1), address]
    this.index = this.entries.length - 1
  }

  /** Moves back; returns the address to show. */
  back(): string | undefined {
    if (!this.canGoBack) return undefined
    return this.entries[--this.index]
  }

  /** Moves forward; returns the address to show. */
  forward(): string | undefined {
    if (!this.canGoForward) return undefined
    return this.entries[++this.index]
  }
}
