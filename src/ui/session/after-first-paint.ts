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
 * Resolves after the next frame has been painted: an animation frame runs just before the
 * paint, and a task queued from it runs just after. At once in a hidden page.
 */
export function afterFirstPaint(maxWaitMs: number = FIRST_PAINT_WAIT_MS): Promise<void> {
  if (typeof requestAnimationFrame !== 'function' || document.visibilityState === 'hidden')
    return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxWaitMs)
    requestAnimationFrame(() => {
      const channel = new MessageChannel()
      channel.port1.onmessage = () => {
        clearTimeout(timer)
        channel.port1.close()
        resolve()
      }
      channel.port2.postMessage(undefined)
    })
  })
}
