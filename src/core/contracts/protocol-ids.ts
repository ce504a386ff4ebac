/**
 * The libp2p protocol ids of the Alternet network, shared by the browser peer and the relay.
 * They are part of the wire protocol: see docs/PROTOCOL.md.
 * @module
 */

/** kad-dht protocol of the name DHT: never the IPFS one, or the networks merge. See "The name DHT". */
export const DHT_PROTOCOL = '/an/kad/1.0.0'

/** Protocol id negotiated on every site request stream. See "Hosting and fetching", "Streams". */
export const ROUTE_PROTOCOL = '/an/route/1.0.0'

/** Protocol that carries signed revocations from relay to relay. See "Revocation". */
export const REVOKE_PROTOCOL = '/an/revoke/1.0.0'
