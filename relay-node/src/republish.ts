/**
 * Keeps the records a relay holds alive in the network and out of its store once they lapse.
 * js kad-dht never republishes stored values, so when relays join and leave, the peers closest
 * to a key change and a record would be lost with its last holders: about every
 * `republishInterval` (each round's delay drawn within `REPUBLISH_JITTER` of it, so holders do
 * not all fire at once) the relay re-puts each record it holds to the current closest peers.
 * As in Kademlia, a holder skips a record another holder put to it since its previous round: that
 * holder's put already reached the closest peers, so each record is re-put by about one of its
 * ~20 holders an interval (and once by each new holder) instead of by all of them. Only a put from
 * a server among the key's K closest this relay knows counts (republish-holders.ts): a client or
 * a far server putting the record to its holders spares none of them. A record a round sees for
 * the first time is always re-put, and one skipped `REPUBLISH_MAX_SKIPS` rounds in a row is
 * re-put in the next whoever put it: a Sybil that ground its ID into a key's closest and puts the
 * record to the holders alone spares each at most that many rounds, so every holder re-puts it
 * at least every `REPUBLISH_MAX_SKIPS + 1` rounds.
 * Every `expirySweepInterval` it deletes records that expired (per their own `expires`, at most
 * 48 h after creation: docs/PROTOCOL.md, "Signed name records"), were revoked or became blocked.
 * @module
 */
import { Libp2pRecord } from '@libp2p/record'
import type { Key } from 'interface-datastore'
import { REPUBLISH_JITTER, REPUBLISH_MAX_SKIPS, REPUBLISH_PUT_TIMEOUT_MS } from './constants.ts'
import type { Logger } from './log.ts'
import type { RelayNode } from './node.ts'
import type { GuardedDatastore, RecordPolicy } from './record-store.ts'
import { isCloseHolder } from './republish-holders.ts'

/** Settings of the republisher. */
export interface RepublishInit {
  republishInterval: number
  expirySweepInterval: number
  /** Longest one record's re-put may take, ms. @default REPUBLISH_PUT_TIMEOUT_MS */
  putTimeoutMs?: number
  /** Share of `republishInterval` a round's delay may differ by, either way. @default REPUBLISH_JITTER */
  jitter?: number
  /** Most rounds in a row one record may be skipped. @default REPUBLISH_MAX_SKIPS */
  maxSkips?: number
}

/** Figures of one republish round. */
export interface RepublishRound {
  /** Servable records held when the round began. */
  records: number
  /** Records re-put to the closest peers. */
  put: number
  /** Records skipped: another holder (a server among the key's closest) put them here since. */
  skipped: number
  /**
   * Of `put`, records a peer put here since the previous round that is not among the key's
   * closest servers this relay knows (a client, a far server): its put spares no re-put.
   */
  outsiders: number
  /**
   * Of `put`, records another holder had put here since, re-put because the previous rounds
   * skipped them as many times in a row as a relay may.
   */
  capped: number
  /** Re-puts that reached no peer. */
  failed: number
  ms: number
}

/** What a republish round keeps of one held record for the next. */
interface Seen {
  received: number
  skips: number
}

/** A delay of `interval` ± `jitter` × `interval`, drawn with `random` (in [0, 1)). */
export function jittered(interval: number, jitter: number, random = Math.random): number {
  return Math.round(interval * (1 + jitter * (2 * random() - 1)))
}

/** Runs the republish and expiry rounds on their intervals. */
export class Republisher {
  private readonly node: RelayNode
  private readonly store: GuardedDatastore
  private readonly policy: RecordPolicy
  private readonly log: Logger
  private readonly init: RepublishInit
  private readonly controller = new AbortController()
  private readonly timers = new Set<NodeJS.Timeout>()
  private republishing?: Promise<RepublishRound>
  /**
   * Each held record's receive time as the last round left it (after its own re-put, if any),
   * and how many rounds in a row have skipped it.
   */
  private seen = new Map<string, Seen>()
  private sweeping?: Promise<number>

  constructor(
    node: RelayNode,
    store: GuardedDatastore,
    policy: RecordPolicy,
    log: Logger,
    init: RepublishInit,
  ) {
    this.node = node
    this.store = store
    this.policy = policy
    this.log = log
    this.init = init
  }

  /** Starts both rounds, each after the previous one ends; the republish round's delay jittered. */
  start(): void {
    const { republishInterval, expirySweepInterval, jitter = REPUBLISH_JITTER } = this.init
    if (republishInterval > 0)
      this.after(
        () => jittered(republishInterval, jitter),
        () => this.republish(),
      )
    if (expirySweepInterval > 0)
      this.after(
        () => expirySweepInterval,
        () => this.sweep(),
      )
  }

  /** Runs `fn` after `delay()` ms, and again after each run ends, until stopped. */
  private after(delay: () => number, fn: () => Promise<unknown>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      void fn()
        .catch((err) => this.log.warn('store maintenance failed', { error: err }))
        .finally(() => {
          if (!this.controller.signal.aborted) this.after(delay, fn)
        })
    }, delay())
    timer.unref()
    this.timers.add(timer)
  }

  /** Stops the rounds and aborts one in progress. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer)
    this.controller.abort()
    await Promise.allSettled([this.republishing, this.sweeping])
  }

  /** Deletes every record that may no longer be served; returns how many. */
  sweep(): Promise<number> {
    this.sweeping ??= (async () => {
      let removed = 0
      try {
        for await (const { dsKey, record } of this.store.records({
          signal: this.controller.signal,
        })) {
          if (!(await this.policy.isServable(record.key, record.value))) {
            await this.store.delete(dsKey)
            removed++
          }
        }
        if (removed > 0) this.log.info('expired records removed', { removed })
        return removed
      } finally {
        this.sweeping = undefined
      }
    })()
    return this.sweeping
  }

  /**
   * Re-puts to the closest peers every servable record no other holder put here since the
   * previous round, or that the last `maxSkips` rounds all skipped; one round at a time.
   */
  republish(): Promise<RepublishRound> {
    this.republishing ??= (async () => {
      const started = Date.now()
      const round = { records: 0, put: 0, skipped: 0, outsiders: 0, capped: 0, failed: 0, ms: 0 }
      const maxSkips = this.init.maxSkips ?? REPUBLISH_MAX_SKIPS
      const seen = new Map<string, Seen>()
      try {
        const held: Key[] = []
        for await (const { dsKey, record } of this.store.records({
          signal: this.controller.signal,
        })) {
          if (await this.policy.isServable(record.key, record.value)) held.push(dsKey)
        }
        round.records = held.length
        for (const dsKey of held) {
          if (this.controller.signal.aborted) break
          const k = dsKey.toString()
          // Read now, not when the round began: a put that came meanwhile spares this one.
          const record = await this.held(dsKey)
          if (record === undefined) continue
          const received = record.timeReceived.getTime()
          const last = this.seen.get(k)
          // A record seen for the first time is re-put: who put it here may have reached only a
          // few of the closest peers (an owner's first put), and skipping would leave it there
          // for another interval.
          if (last !== undefined && received !== last.received) {
            if (!isCloseHolder(this.node, record.key, this.store.senderOf(dsKey))) round.outsiders++
            else if (last.skips >= maxSkips) round.capped++
            else {
              seen.set(k, { received, skips: last.skips + 1 })
              round.skipped++
              continue
            }
          }
          round.put++
          if (!(await this.put(record))) round.failed++
          // Its own re-put rewrote the record here: what the next round compares with.
          const after = await this.held(dsKey)
          if (after !== undefined) seen.set(k, { received: after.timeReceived.getTime(), skips: 0 })
        }
        round.ms = Date.now() - started
        this.log.info('records republished', round)
        return round
      } finally {
        this.seen = seen
        this.republishing = undefined
      }
    })()
    return this.republishing
  }

  /** The record stored under `dsKey` while it may be served; undefined once it is gone. */
  private async held(dsKey: Key): Promise<Libp2pRecord | undefined> {
    try {
      return Libp2pRecord.deserialize(await this.store.get(dsKey))
    } catch {
      return undefined
    }
  }

  /** Re-puts one record to the closest peers; whether any took it. */
  private async put(record: Libp2pRecord): Promise<boolean> {
    try {
      let reached = 0
      // kad-dht waits for a first DHT peer before any query: without a bound a lone
      // relay's round would never end, and no later round would start.
      const signal = AbortSignal.any([
        this.controller.signal,
        AbortSignal.timeout(this.init.putTimeoutMs ?? REPUBLISH_PUT_TIMEOUT_MS),
      ])
      for await (const event of this.node.services.dht.put(record.key, record.value, { signal })) {
        if (event.name === 'PEER_RESPONSE') reached++
      }
      return reached > 0
    } catch (err) {
      this.log.debug('republish of one record failed', { error: err })
      return false
    }
  }
}
