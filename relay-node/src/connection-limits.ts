/**
 * Inbound connections shared between sources: once the relay holds `--max-connections`, libp2p
 * refuses every new inbound connection, whoever asks, so fresh peer IDs from one address block
 * could take them all and leave browsers unable to reach the relay at all. The connection
 * gater's `denyInboundConnection` refuses a new inbound connection when its source (address
 * block, see source-subnet.ts) already holds its share, counting the connections it let through
 * that are still being upgraded.
 * @module
 */
import type { Connection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { sourceOf, type SourcePrefixes } from './source-subnet.ts'

/** Longest a connection let through may take to open before it no longer counts (ms). */
const PENDING_MS = 30_000
/** Sources with connections still upgrading past which the stale ones are swept. */
const SWEEP_AT = 4096
/** The largest share of `--max-connections` one source may hold, whatever its own flag says. */
const MAX_SHARE = 4

/** What the limiter needs from the node, once it exists. */
export interface ConnectionHost {
  addEventListener(
    type: 'connection:open' | 'connection:close',
    listener: (event: CustomEvent<Connection>) => void,
  ): void
}

/** Settings of the limiter. */
export interface ConnectionLimitsInit {
  /** Inbound connections one source may hold at once (0 = no per-source limit). */
  maxPerSource: number
  /** Connections the relay holds in all: one source never holds more than a quarter of them. */
  maxConnections: number
  prefixes: SourcePrefixes
  /** Called for each refused connection (metrics, logs). */
  refused?(source: string): void
  /** The clock, in ms. @default Date.now */
  now?: () => number
}

/** The inbound connections one source may hold under `init`; 0 when there is no limit. */
export function connectionsPerSource(init: {
  maxPerSource: number
  maxConnections: number
}): number {
  if (init.maxPerSource <= 0) return 0
  return Math.max(1, Math.min(init.maxPerSource, Math.floor(init.maxConnections / MAX_SHARE)))
}

/** The per-source cap on inbound connections. */
export class ConnectionLimits {
  private readonly init: ConnectionLimitsInit
  private readonly limit: number
  private readonly now: () => number
  /** Inbound connections open, by source. */
  private readonly open = new Map<string, number>()
  /** When each connection let through and not yet open was let through, by source. */
  private readonly pending = new Map<string, number[]>()

  constructor(init: ConnectionLimitsInit) {
    this.init = init
    this.limit = connectionsPerSource(init)
    this.now = init.now ?? Date.now
  }

  /** Starts counting the connections of `host` (the node, once created). */
  attach(host: ConnectionHost): void {
    host.addEventListener('connection:open', ({ detail: conn }) => {
      if (conn.direction !== 'inbound') return
      const source = sourceOf(conn.remoteAddr, this.init.prefixes)
      this.open.set(source, (this.open.get(source) ?? 0) + 1)
      const waiting = this.pending.get(source)
      waiting?.shift()
      if (waiting?.length === 0) this.pending.delete(source)
    })
    host.addEventListener('connection:close', ({ detail: conn }) => {
      if (conn.direction !== 'inbound') return
      const source = sourceOf(conn.remoteAddr, this.init.prefixes)
      const n = (this.open.get(source) ?? 0) - 1
      if (n > 0) this.open.set(source, n)
      else this.open.delete(source)
    })
  }

  /** The gater hook: true refuses the inbound connection from `addr`. */
  deny(addr: Multiaddr): boolean {
    if (this.limit === 0) return false
    const source = sourceOf(addr, this.init.prefixes)
    const since = this.now() - PENDING_MS
    if (this.pending.size > SWEEP_AT) this.sweep(since)
    const waiting = (this.pending.get(source) ?? []).filter((at) => at > since)
    if ((this.open.get(source) ?? 0) + waiting.length >= this.limit) {
      if (waiting.length > 0) this.pending.set(source, waiting)
      else this.pending.delete(source)
      this.init.refused?.(source)
      return true
    }
    waiting.push(this.now())
    this.pending.set(source, waiting)
    return false
  }

  /** Forgets connections let through before `since` that never opened (failed upgrades). */
  private sweep(since: number): void {
    for (const [source, waiting] of this.pending) {
      const live = waiting.filter((at) => at > since)
      if (live.length > 0) this.pending.set(source, live)
      else this.pending.delete(source)
    }
  }
}
