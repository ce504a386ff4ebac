/**
 * The route server as a libp2p service: `createLibp2p({ services: { route: routeServer(init) } })`
 * registers the `/an/route/1.0.0` handler with the node's registrar when the node starts and
 * removes it (resetting responses in progress) when it stops: the server lives as long as the
 * node. A peer that starts and stops hosting on a running node keeps `createRouteServer` and its
 * `start(libp2p)` / `stop()`.
 * @module
 */
import { serviceCapabilities } from '@libp2p/interface'
import {
  createRouteServer,
  type RouteServer,
  type RouteServerHost,
  type RouteServerInit,
} from './server.ts'

/** The libp2p components the route service works through. */
export interface RouteServiceComponents {
  /** Where the protocol handler is registered. */
  registrar: RouteServerHost
}

/** The route server as run by libp2p. */
export interface RouteService {
  /** The server: its `active` count, and `handleStream` for tests. */
  readonly server: RouteServer
  /** Registers the handler (libp2p calls it as the node starts). */
  start(): Promise<void>
  /** Unregisters it and resets responses in progress (libp2p calls it as the node stops). */
  stop(): Promise<void>
}

/**
 * The route server service factory.
 * @example
 * ```ts
 * const libp2p = await createLibp2p({ ..., services: {
 *   route: routeServer({ getBlock: (cid) => blocks.get(cid), sites: () => hosted }) } })
 * console.log(libp2p.services.route.server.active)
 * ```
 */
export function routeServer(
  init: RouteServerInit,
): (components: RouteServiceComponents) => RouteService {
  return (components) => {
    const server = createRouteServer(init)
    return {
      [Symbol.toStringTag]: '@alternet/route-server',
      [serviceCapabilities]: ['@alternet/route-server'],
      server,
      start: () => server.start(components.registrar),
      stop: () => server.stop(),
    }
  }
}
