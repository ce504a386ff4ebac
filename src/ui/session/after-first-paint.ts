/**
 * Waits until the page has painted its first screen, so that work which needs no pixels (the
 * libp2p node's chunk: fetching, evaluating and starting it) does not hold the first paint back.
 * @module
 */

/**
 * The longest wait for a paint. A tab opened in the background does not paint (and runs no
 * animation frames) until it is shown; its node starts after this anyway, so that a link opened
 * in a background tab is served when the person gets to it.
 */
export const FIRST_PAINT_WAIT_MS = 1000

/**
 * Resolves once the browser has recorded the page's first contentful paint (the paint timing
 * entry, stamped when the frame is presented), or after the next frame where paint timing is
 * not offered: an animation frame runs just before the paint, and a task queued from it just
 * after. At once in a hidden page; after `maxWaitMs` at the latest.
 */
export function afterFirstPaint(maxWaitMs: number = FIRST_PAINT_WAIT_MS): Promise<void> {
  if (typeof requestAnimationFrame !== 'function' || document.visibilityState === 'hidden')
    return Promise.resolve()
  return new Promise((resolve) => {
    let observer: PerformanceObserver | undefined
    const done = (): void => {
      clearTimeout(timer)
      observer?.disconnect()
      resolve()
    }
    const timer = setTimeout(done, maxWaitMs)
    if (
      typeof PerformanceObserver === 'function' &&
      PerformanceObserver.supportedEntryTypes?.includes('paint') === true
    ) {
      // A task that runs after the frame may still come before the frame is on screen: wait
      // for the browser's own record of the first contentful paint.
      observer = new PerformanceObserver((list) => {
        if (list.getEntriesByName('first-contentful-paint').length > 0) done()
      })
      observer.observe({ type: 'paint', buffered: true })
      return
    }
    requestAnimationFrame(() => {
      const channel = new MessageChannel()
      channel.port1.onmessage = () => {
        channel.port1.close()
        done()
      }
      channel.port2.postMessage(undefined)
    })
  })
}
