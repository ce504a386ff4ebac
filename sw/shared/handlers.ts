/**
 * A service worker's fetch routing as an ordered list of small handlers: the first whose
 * `canHandle` is true takes the request. A handler without `handle` lets the browser fetch
 * the request itself (no `respondWith`).
 * @module
 */

/** What a handler sees of one fetch event. */
export interface FetchContext {
  event: FetchEvent
  request: Request
  url: URL
}

/** One step of the routing. */
export interface Handler {
  /** Stable name, for logs and tests. */
  name: string
  canHandle(context: FetchContext): boolean
  handle?(context: FetchContext): Promise<Response>
}

/** Routes `event` through `handlers`; returns the name of the handler that took it. */
export function route(event: FetchEvent, handlers: readonly Handler[]): string | undefined {
  const context: FetchContext = { event, request: event.request, url: new URL(event.request.url) }
  for (const handler of handlers) {
    if (!handler.canHandle(context)) continue
    if (handler.handle !== undefined) event.respondWith(handler.handle(context))
    return handler.name
  }
  return undefined
}
