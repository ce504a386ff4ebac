/**
 * Route streams opened on a connected relay while a site's name resolves, for the visit's first
 * requests: the manifest's `block` and the page's first chunk (`first-chunk.ts`). Opening a
 * stream costs a round trip of protocol negotiation; a stream opened ahead carries its request
 * as soon as the root is known, one round trip instead of two. Only the transport is prepared:
 * what the relay then sends is verified as any source's bytes are.
 *
 * Bounded: at most `READY_ROUTE_STREAMS` ready per connection, each closed unused after
 * `READY_ROUTE_STREAM_MS` (the relay counts it among the visitor's streams until then).
 * @module
 */
import type { Connection, NewStreamOptions, Stream } from '@libp2p/interface'
import { DEFAULT_MAX_OUTBOUND_STREAMS, ROUTE_PROTOCOL } from '../route/constants.ts'
import { READY_ROUTE_STREAM_MS, READY_ROUTE_STREAMS } from './constants.ts'

/** A stream being opened ahead: undefined once it failed. */
type Ready = Promise<Stream | undefined>

/** The route streams opened ahead, by connection. */
export class ReadyStreams {
  private readonly ready = new WeakMap<Connection, Ready[]>()
  private readonly lifetimeMs: number

  constructor(lifetimeMs = READY_ROUTE_STREAM_MS) {
    this.lifetimeMs = lifetimeMs
  }

  /** Opens route streams on `connection` until `READY_ROUTE_STREAMS` are ready. */
  prepare(connection: Connection): void {
    if (connection.status !== 'open' || connection.limits != null) return
    const list = this.ready.get(connection) ?? []
    this.ready.set(connection, list)
    while (list.length < READY_ROUTE_STREAMS) {
      const opening: Ready = connection
        .newStream(ROUTE_PROTOCOL, { maxOutboundStreams: DEFAULT_MAX_OUTBOUND_STREAMS })
        .catch(() => undefined)
      list.push(opening)
      setTimeout(() => {
        const at = list.indexOf(opening)
        if (at < 0) return
        // Not taken in time: closed, and its place on the relay given back.
        list.splice(at, 1)
        void opening.then((s) => s?.close().catch(() => s.abort(new Error('not used'))))
      }, this.lifetimeMs)
    }
  }

  /** A route stream opened ahead on `connection` and still open; undefined when none is. */
  async take(connection: Connection): Promise<Stream | undefined> {
    const list = this.ready.get(connection)
    for (let opening = list?.shift(); opening !== undefined; opening = list?.shift()) {
      const stream = await opening
      if (stream?.status === 'open' && stream.writeStatus === 'writable') return stream
      stream?.abort(new Error('not usable'))
    }
    return undefined
  }

  /**
   * `connection` as requests see it: a route stream it opens is one opened ahead when one is
   * ready, else a new one. Everything else is the connection's own.
   */
  wrap(connection: Connection): Connection {
    const newStream = async (
      protocols: string | string[],
      options?: NewStreamOptions,
    ): Promise<Stream> => {
      const only = [protocols].flat()
      if (only.length === 1 && only[0] === ROUTE_PROTOCOL) {
        const ready = await this.take(connection)
        if (ready !== undefined) return ready
      }
      return connection.newStream(protocols, options)
    }
    return new Proxy(connection, {
      get(target, property) {
        if (property === 'newStream') return newStream
        const value: unknown = Reflect.get(target, property, target)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }
}
