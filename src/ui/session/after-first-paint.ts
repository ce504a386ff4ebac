/**
 * Waits until the page has rendered its first screen, so that work which needs no pixels (the
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
 * Resolves in the first task after the page's first rendered frame: an animation frame runs
 * just before the browser renders (and none runs while a render-blocking resource is loading),
 * and a task queued from it runs once the frame has been painted and handed to the compositor,
 * which shows it on its own thread, whatever the page's thread does next. It does not wait for
 * the browser's report of the paint (the paint timing entry), which comes 150–300 ms later on a
 * busy machine. At once in a hidden page; after `maxWaitMs` at the latest.
 */
export function afterFirstPaint(maxWaitMs: number = FIRST_PAINT_WAIT_MS): Promise<void> {
  if (typeof requestAnimationFrame !== 'function' || document.visibilityState === 'hidden')
    return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(done, maxWaitMs)
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
