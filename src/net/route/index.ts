/**
 * `/an/route/1.0.0`: HTTP-like requests for a site's files, and block requests by CID, over
 * one libp2p stream each. The server answers from the local block store within limits; the
 * client verifies every block against its CID. Runs in the page and in Node. Specified in
 * docs/PROTOCOL.md.
 *
 * @example
 * ```ts
 * import { createRouteClient, createRouteServer, fetchFile } from './net/route/index.ts'
 *
 * // Host: serve the sites this node publishes or mirrors.
 * const server = createRouteServer({
 *   getBlock: (cid) => blocks.get(cid),
 *   sites: () => [{ site: 'mysite:code', root: manifestCid }],
 * })
 * await server.start(libp2p)
 * // or as a libp2p service: createLibp2p({ services: { route: routeServer({ getBlock, sites }) } })
 *
 * // Visitor: the manifest and every chunk are checked against the signed record's root.
 * const client = createRouteClient(libp2p)
 * const manifest = await client.getManifest(hostPeerId, record.root)
 * const entry = manifest.files['/index.html']
 * const body = fetchFile(client, { entry, peers: [hostPeerId, mirrorPeerId], signal })
 * const html = await new Response(body).text()
 * ```
 * @module
 */
export * from './constants.ts'
export * from './errors.ts'
export {
  decodeRequest,
  decodeResponseHeader,
  encodeRequest,
  encodeResponseHeader,
  lengthPrefixed,
  type RouteKind,
  type RouteRequest,
  type RouteRequestHeaders,
  type RouteResponseHeader,
} from './codec.ts'
export { etagOf, ifNoneMatchMatches } from '../../core/http/index.ts'
export {
  createRouteServer,
  type HostedSite,
  type RouteServer,
  type RouteServerHost,
  type RouteServerInit,
} from './server.ts'
export { routeServer, type RouteService, type RouteServiceComponents } from './route-service.ts'
export {
  createRouteClient,
  type RouteClient,
  type RouteClientHost,
  type RouteClientInit,
  type RouteRequestOptions,
  type RouteResponse,
  type RouteTarget,
} from './client.ts'
export {
  fetchFile,
  fetchManifest,
  type FetchEvents,
  type FetchFileInit,
  type FetchManifestInit,
} from './fetch-file.ts'
export { Pace, type PaceInit } from './pace.ts'
