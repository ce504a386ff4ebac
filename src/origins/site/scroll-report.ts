/**
 * The bridge page's report of the site's scrolling, for the app to fold its header on a phone as
 * the person reads on. The site's frame is on this origin, so the bridge can listen to it; the
 * app cannot. Only a direction crosses to the app, at most one per `SCROLL_REPORT_INTERVAL`:
 * never a position, nor anything of the site's content. Only a scroll the person makes is
 * reported: one that follows their input in the site's frame (a wheel, a finger, a key, a press
 * on the scrollbar), never the site scrolling itself (a jump to a section, its own `scrollTo`).
 * @module
 */
import {
  BRIDGE_PROTOCOL_VERSION,
  SCROLL_REPORT_INTERVAL,
  SITE_FRAME_NAME,
} from '../shared/constants.ts'
import type { SiteScrolled } from '../shared/protocol.ts'

type Direction = SiteScrolled['direction']

/** Scrolls smaller than this many CSS pixels say no direction (a finger's jitter at a turn). */
const MIN_SCROLL_PX = 2

/**
 * How long after the person's last input in the site a scroll is still theirs (ms): a wheel's or
 * a key's smooth scroll runs on after its event, a finger's fling after the finger lifts.
 */
export const INPUT_WINDOW_MS = 600

/** The person's input in the site's frame that scrolls it (a press: the scrollbar, a link). */
const INPUT_EVENTS = ['wheel', 'touchstart', 'touchmove', 'keydown', 'pointerdown'] as const
/** A press held on the scrollbar (a drag) goes on until it is let go. */
const RELEASE_EVENTS = ['pointerup', 'pointercancel'] as const

/** Follows the scrolling of the shell's site frame and reports its direction to `appOrigin`. */
export function createScrollReport(appOrigin: string): { follow(): void } {
  const followed = new WeakSet<Document>()
  const positions = new WeakMap<object, number>()
  let sent: Direction | undefined
  let sentAt = -Infinity
  let pending: Direction | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  /** When the person last gave the site an input, and whether a press is held. */
  let inputAt = -Infinity
  let pressed = false

  const onInput = (event: Event): void => {
    inputAt = performance.now()
    if (event.type === 'pointerdown') pressed = true
  }
  const onRelease = (): void => {
    inputAt = performance.now()
    pressed = false
  }

  /** The person is scrolling: a press held, or an input a moment ago. */
  function byThePerson(): boolean {
    return pressed || performance.now() - inputAt <= INPUT_WINDOW_MS
  }

  function send(direction: Direction): void {
    sent = direction
    sentAt = performance.now()
    const message: SiteScrolled = { type: 'an-scrolled', v: BRIDGE_PROTOCOL_VERSION, direction }
    // targetOrigin: nothing is said to a parent that is not the app.
    window.parent.postMessage(message, appOrigin)
  }

  /** Sends now, or the last direction at the end of the interval. */
  function report(direction: Direction): void {
    pending = direction
    const wait = sentAt + SCROLL_REPORT_INTERVAL - performance.now()
    if (wait <= 0) {
      pending = undefined
      send(direction)
    } else {
      timer ??= setTimeout(() => {
        timer = undefined
        if (pending !== undefined && pending !== sent) send(pending)
        pending = undefined
      }, wait)
    }
  }

  function onScroll(event: Event): void {
    // The document's own scroll or a scrolling element's in it (the site's realm: no instanceof).
    const target = event.target as Node | null
    const box =
      target?.nodeType === Node.DOCUMENT_NODE
        ? (target as Document).scrollingElement
        : (target as Element | null)
    if (box === null || typeof box.scrollTop !== 'number') return
    const top = box.scrollTop
    const before = positions.get(box)
    positions.set(box, top)
    if (before === undefined || Math.abs(top - before) < MIN_SCROLL_PX) return
    // The site scrolling itself (a jump on load, its own script, a `#section`) folds nothing.
    if (!byThePerson()) return
    report(top > before ? 'down' : 'up')
  }

  return {
    /** Listens to the site frame's document, when it is on this origin and not followed yet. */
    follow(): void {
      let site: Window | null
      try {
        // The frame by its name ('' opens nothing in a frame that exists): out of `parent.frames`
        // in the app's shadow DOM, it is still a browsing context this origin may look up.
        site = window.open('', SITE_FRAME_NAME)
      } catch {
        return
      }
      if (site === null || site === window) return
      // Not the app's frame: a browser that opened a window for the name gets it closed at once.
      if (site.parent !== window.parent) {
        if (site.parent === site && site.opener === window) site.close()
        return
      }
      let document: Document
      try {
        document = site.document
      } catch {
        return // the frame shows another origin now
      }
      if (followed.has(document)) return
      followed.add(document)
      positions.set(
        document.scrollingElement ?? document,
        document.scrollingElement?.scrollTop ?? 0,
      )
      const options = { capture: true, passive: true }
      document.addEventListener('scroll', onScroll, options)
      for (const type of INPUT_EVENTS) document.addEventListener(type, onInput, options)
      for (const type of RELEASE_EVENTS) document.addEventListener(type, onRelease, options)
      // A press let go outside the frame is not seen: leaving the frame ends it.
      site.addEventListener('blur', () => (pressed = false), options)
    },
  }
}
