/**
 * Relays find each other: the relay dials every `--bootstrap` relay at start, redials a lost
 * one with exponential back-off (with jitter, capped), and forgets peers that have been
 * unreachable for `deadPeerAfter` (peer store and DHT routing table), so it stops handing out
 * addresses nobody answers on.
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Logger } from './log.ts'
import type { RelayNode } from './node.ts'

/** Settings of bootstrapping and pruning. */
export interface BootstrapInit {
  bootstrap: Multiaddr[]
  reconnectMin: number
  reconnectMax: number
  deadPeerAfter: number
  pruneInterval: number
}

/** Share of a back-off added or removed at random, so relays restarted together do not redial in step. */
const JITTER = 0.2

interface Target {
  peer: PeerId
  addrs: Multiaddr[]
  attempt: number
  timer?: NodeJS.Timeout
}

/** Dials bootstrap relays, keeps them connected and prunes dead peers. */
export class Bootstrapper {
  private readonly node: RelayNode
  private readonly log: Logger
  private readonly init: BootstrapInit
  private readonly targets = new Map<string, Target>()
  /** When each peer was last connected (ms), for pruning. */
  private readonly lastSeen = new Map<string, number>()
  private readonly startedAt = Date.now()
  private pruneTimer?: NodeJS.Timeout
  private stopped = false

  constructor(node: RelayNode, log: Logger, init: BootstrapInit) {
    this.node = node
    this.log = log
    this.init = init
    for (const addr of init.bootstrap) {
      const id = addr.getComponents().find((c) => c.name === 'p2p')?.value
      if (id == null) continue
      const target = this.targets.get(id) ?? { peer: peerIdFromString(id), addrs: [], attempt: 0 }
      target.addrs.push(addr)
      this.targets.set(id, target)
    }
  }

  /** The peer IDs of the bootstrap relays. */
  get peers(): string[] {
    return [...this.targets.keys()]
  }

  /** Dials every bootstrap relay (in the background) and starts pruning. */
  start(): void {
    this.node.addEventListener('peer:connect', this.onConnect)
    this.node.addEventListener('peer:disconnect', this.onDisconnect)
    for (const target of this.targets.values()) void this.dial(target)
    if (this.init.pruneInterval > 0) {
      this.pruneTimer = setInterval(
        () => void this.prune().catch((err) => this.log.warn('pruning failed', { error: err })),
        this.init.pruneInterval,
      )
      this.pruneTimer.unref()
    }
  }

  /** Stops redialling and pruning. */
  stop(): void {
    this.stopped = true
    this.node.removeEventListener('peer:connect', this.onConnect)
    this.node.removeEventListener('peer:disconnect', this.onDisconnect)
    for (const target of this.targets.values()) clearTimeout(target.timer)
    clearInterval(this.pruneTimer)
  }

  /** Removes peers unreachable for `deadPeerAfter`; returns how many. */
  async prune(): Promise<number> {
    const now = Date.now()
    const connected = new Set(this.node.getPeers().map(String))
    let pruned = 0
    for (const peer of await this.node.peerStore.all()) {
      const id = peer.id.toString()
      if (connected.has(id) || this.targets.has(id)) continue
      const seen = this.lastSeen.get(id) ?? this.startedAt
      if (now - seen < this.init.deadPeerAfter) continue
      await this.node.peerStore.delete(peer.id)
      await (
        this.node.services.dht as unknown as { routingTable?: { remove(p: PeerId): Promise<void> } }
      ).routingTable?.remove(peer.id)
      this.lastSeen.delete(id)
      pruned++
    }
    if (pruned > 0) this.log.info('dead peers pruned', { pruned })
    return pruned
  }

  private readonly onConnect = (evt: CustomEvent<PeerId>): void => {
    const id = evt.detail.toString()
    this.lastSeen.set(id, Date.now())
    const target = this.targets.get(id)
    if (target != null) {
      target.attempt = 0
      clearTimeout(target.timer)
      target.timer = undefined
    }
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const id = evt.detail.toString()
    this.lastSeen.set(id, Date.now())
    const target = this.targets.get(id)
    if (target != null && !this.stopped) {
      this.log.info('lost a bootstrap relay', { peer: id })
      this.schedule(target)
    }
  }

  private schedule(target: Target): void {
    if (this.stopped || target.timer != null) return
    const base = Math.min(this.init.reconnectMax, this.init.reconnectMin * 2 ** target.attempt)
    const wait = Math.round(base * (1 - JITTER + Math.random() * 2 * JITTER))
    target.attempt++
    target.timer = setTimeout(() => {
      target.timer = undefined
      void this.dial(target)
    }, wait)
    target.timer.unref()
  }

  private async dial(target: Target): Promise<void> {
    if (this.stopped) return
    if (this.node.getConnections(target.peer).length > 0) return
    try {
      await this.node.dial(target.addrs)
      this.log.info('connected to a bootstrap relay', { peer: target.peer.toString() })
    } catch (err) {
      this.log.debug('bootstrap relay unreachable', {
        peer: target.peer.toString(),
        attempt: target.attempt,
        error: err,
      })
      this.schedule(target)
    }
  }
}
