/**
 * Keeps the records a relay holds alive in the network and out of its store once they lapse.
 * js kad-dht never republishes stored values, so when relays join and leave, the peers closest
 * to a key change and a record would be lost with its last holders: every
 * `republishInterval` the relay re-puts each record it holds to the current closest peers.
 * Every `expirySweepInterval` it deletes records that expired (per their own `expires`, at most
 * 48 h after creation: docs/PROTOCOL.md, "Signed name records"), were revoked or became blocked.
 * @module
 */
import { REPUBLISH_PUT_TIMEOUT_MS } from './constants.ts'
import type { Logger } from './log.ts'
import type { RelayNode } from './node.ts'
import type { GuardedDatastore, RecordPolicy } from './record-store.ts'

/** Settings of the republisher. */
export interface RepublishInit {
  republishInterval: number
  expirySweepInterval: number
  /** Longest one record's re-put may take, ms. @default REPUBLISH_PUT_TIMEOUT_MS */
  putTimeoutMs?: number
}

/** Figures of one republish round. */
export interface RepublishRound {
  records: number
  failed: number
  ms: number
}

/** Runs the republish and expiry rounds on their intervals. */
export class Republisher {
  private readonly node: RelayNode
  private readonly store: GuardedDatastore
  private readonly policy: RecordPolicy
  private readonly log: Logger
  private readonly init: RepublishInit
  private readonly controller = new AbortController()
  private readonly timers: NodeJS.Timeout[] = []
  private republishing?: Promise<RepublishRound>
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

  /** Starts both rounds on their intervals. */
  start(): void {
    const every = (ms: number, fn: () => Promise<unknown>): void => {
      if (ms <= 0) return
      const timer = setInterval(
        () => void fn().catch((err) => this.log.warn('store maintenance failed', { error: err })),
        ms,
      )
      timer.unref()
      this.timers.push(timer)
    }
    every(this.init.republishInterval, () => this.republish())
    every(this.init.expirySweepInterval, () => this.sweep())
  }

  /** Stops the rounds and aborts one in progress. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer)
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

  /** Re-puts every servable record to the closest peers; one round at a time. */
  republish(): Promise<RepublishRound> {
    this.republishing ??= (async () => {
      const started = Date.now()
      let records = 0
      let failed = 0
      try {
        const held: Array<{ key: Uint8Array; value: Uint8Array }> = []
        for await (const { record } of this.store.records({ signal: this.controller.signal })) {
          if (await this.policy.isServable(record.key, record.value))
            held.push({ key: record.key, value: record.value })
        }
        for (const { key, value } of held) {
          if (this.controller.signal.aborted) break
          records++
          try {
            let reached = 0
            // kad-dht waits for a first DHT peer before any query: without a bound a lone
            // relay's round would never end, and no later round would start.
            const signal = AbortSignal.any([
              this.controller.signal,
              AbortSignal.timeout(this.init.putTimeoutMs ?? REPUBLISH_PUT_TIMEOUT_MS),
            ])
            for await (const event of this.node.services.dht.put(key, value, { signal })) {
              if (event.name === 'PEER_RESPONSE') reached++
            }
            if (reached === 0) failed++
          } catch (err) {
            failed++
            this.log.debug('republish of one record failed', { error: err })
          }
        }
        const round = { records, failed, ms: Date.now() - started }
        this.log.info('records republished', round)
        return round
      } finally {
        this.republishing = undefined
      }
    })()
    return this.republishing
  }
}
