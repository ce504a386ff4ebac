/**
 * Every store write an inbound DHT stream causes is attributed to the stream's peer and source
 * (its address block), so the guarded store's quotas charge the sender (`runAsSender`). kad-dht
 * registers its own handler; it is wrapped in place. The relay and the network simulation both
 * wrap theirs with this.
 * @module
 */
import type { Connection, Libp2p } from '@libp2p/interface'
import { DHT_PROTOCOL } from './constants.ts'
import { runAsSender } from './record-senders.ts'

type Handler = Parameters<Libp2p['handle']>[1]
type Handled = ReturnType<Handler>

/**
 * Wraps the node's DHT handler so its writes run as the stream's sender, whose source is
 * `sourceOf` its connection; `around` runs around each stream's handling (to time it).
 */
export async function attributeDhtWrites(
  node: Pick<Libp2p, 'handle'>,
  sourceOf: (conn: Connection) => string,
  around: (handle: () => Handled) => Handled = (handle) => handle(),
): Promise<void> {
  const registrar = (
    node as unknown as {
      components: { registrar: { getHandler(p: string): { handler: Handler; options: object } } }
    }
  ).components.registrar
  const dht = registrar.getHandler(DHT_PROTOCOL)
  await node.handle(
    DHT_PROTOCOL,
    (stream, conn) =>
      around(() =>
        runAsSender({ peer: conn.remotePeer.toString(), source: sourceOf(conn) }, () =>
          dht.handler(stream, conn),
        ),
      ),
    { ...dht.options, force: true },
  )
}
