/**
 * Every store write an inbound DHT stream causes is attributed to the stream's peer and source
 * (its address block), so the guarded store's quotas charge the sender (`runAsSender`). kad-dht
 * registers its own handler; it is wrapped in place.
 * @module
 */
import { DHT_PROTOCOL } from './constants.ts'
import type { RelayNode } from './node.ts'
import { runAsSender } from './record-senders.ts'
import { sourceOf, type SourcePrefixes } from './source-subnet.ts'

/** Wraps the node's DHT handler so its writes run as the stream's sender. */
export async function attributeDhtWrites(node: RelayNode, prefixes: SourcePrefixes): Promise<void> {
  const registrar = (
    node as unknown as {
      components: {
        registrar: {
          getHandler(p: string): { handler: Parameters<RelayNode['handle']>[1]; options: object }
        }
      }
    }
  ).components.registrar
  const dhtHandler = registrar.getHandler(DHT_PROTOCOL)
  await node.handle(
    DHT_PROTOCOL,
    (stream, conn) =>
      runAsSender(
        { peer: conn.remotePeer.toString(), source: sourceOf(conn.remoteAddr, prefixes) },
        () => dhtHandler.handler(stream, conn),
      ),
    { ...dhtHandler.options, force: true },
  )
}
