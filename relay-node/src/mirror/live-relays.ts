/**
 * Which relays are alive and mirror, for one site's placement: the relays known (peers
 * identified as mirrors, which also take uploads; browsers that help host answer the mirror
 * protocol as `visitor` and are left out; and the DHT servers of the routing table closest to
 * the site's key, whose protocols are not known until asked), the closest to the site's key
 * first, at most `MAX_PLACEMENT_CANDIDATES` of them, each confirmed by an open connection
 * (identified mirrors) or by answering `/an/mirror/1.0.0`. Answers are remembered for one scan
 * interval (at most `MIRROR_LIVE_VIEW_MS`) across sites. A relay whose last connection just
 * closed is left out unasked (it is asked in the background, and counted again once it
 * connects). A relay that said it holds a site and did not serve its blocks (`placed-hold.ts`)
 * is left out for a while. Each relay comes with the address block placement counts it in.
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import { BlockMemory, type BlockPrefixes } from '@alternet/core/contracts'
import { askMirror } from '@alternet/net/mirror'
import {
  MAX_LIVE_ANSWERS,
  MAX_PLACEMENT_CANDIDATES,
  MAX_PLACEMENT_FAILED,
  MIRROR_GONE_MS,
  MIRROR_LIVE_VIEW_MS,
  MIRROR_PROTOCOL,
  MIRROR_STATUS_TIMEOUT_MS,
  MIRROR_UPLOAD_PROTOCOL,
  PLACEMENT_FAILED_MS,
  PLACEMENT_FAILED_PER_SOURCE,
} from './constants.ts'
import type { RelayNode } from '../node.ts'
import type { GoneRelays } from './gone-relays.ts'
import { closestBy, placementBlock, tableClosest, type LiveRelay } from './placement.ts'

interface Answer {
  at: number
  /** The relay, live; null when it did not answer; undefined while asked. */
  value: LiveRelay | null | undefined
  asked: Promise<LiveRelay | null>
}

interface Known {
  at: number
  /** Peers identified as mirrors taking uploads (`true`) by peer ID. */
  relays: Map<string, PeerId>
  /** Peers that answer the mirror protocol but take no uploads: visitors, never relays. */
  visitors: Set<string>
}

/** What the live view reads of the mirror's shared state (`MirrorState` has all of it). */
export interface LiveViewState {
  readonly init: { node: RelayNode; placementPrefixes: BlockPrefixes; scanInterval: number }
  /** Aborted when the relay stops. */
  readonly signal: AbortSignal
  /** Relays connected now, by peer ID, with their source (`MirrorState.relays`). */
  readonly relays: Map<string, string>
  readonly gone: GoneRelays
  readonly view: LiveView
}

/** What a relay remembers of which relays are live, for every site's placement. */
export class LiveView {
  private readonly answers = new Map<string, Answer>()
  private known: Known | undefined
  /**
   * Relays that answered that they hold a site and did not serve its blocks (`placedHold`),
   * by address block: left out of the live relays for `PLACEMENT_FAILED_MS`. Kept when the
   * answers are forgotten.
   */
  readonly failed = new BlockMemory({
    ttlMs: PLACEMENT_FAILED_MS,
    maxPerBlock: PLACEMENT_FAILED_PER_SOURCE,
    maxTotal: MAX_PLACEMENT_FAILED,
  })

  /** Forgets every answer: the next placement asks again (a mirror left, a scan starts). */
  clear(): void {
    this.answers.clear()
    this.known = undefined
  }

  /** Forgets what is known of `id` (it left, connected again, or identified as a relay). */
  forget(id: string): void {
    this.answers.delete(id)
    this.known = undefined
  }

  /** Whether `id` answered as live. */
  isLive(id: string): boolean {
    return this.answers.get(id)?.value != null
  }

  /** Relays that answered as live (this one not counted). */
  get size(): number {
    let n = 0
    for (const answer of this.answers.values()) if (answer.value != null) n++
    return n
  }

  /** @internal */
  answer(id: string, maxAge: number): Answer | undefined {
    const answer = this.answers.get(id)
    return answer !== undefined && Date.now() - answer.at < maxAge ? answer : undefined
  }

  /** @internal */
  remember(id: string, asked: Promise<LiveRelay | null>): Answer {
    this.answers.delete(id)
    if (this.answers.size >= MAX_LIVE_ANSWERS) {
      const oldest = this.answers.keys().next()
      if (oldest.done !== true) this.answers.delete(oldest.value)
    }
    const answer: Answer = { at: Date.now(), value: undefined, asked }
    this.answers.set(id, answer)
    void asked.then((value) => {
      answer.value = value
    })
    return answer
  }

  /** @internal */
  async knownRelays(state: LiveViewState, maxAge: number): Promise<Known> {
    if (this.known !== undefined && Date.now() - this.known.at < maxAge) return this.known
    const known: Known = { at: Date.now(), relays: new Map(), visitors: new Set() }
    for (const p of await state.init.node.peerStore.all()) {
      if (!p.protocols.includes(MIRROR_PROTOCOL)) continue
      if (p.protocols.includes(MIRROR_UPLOAD_PROTOCOL)) known.relays.set(p.id.toString(), p.id)
      else known.visitors.add(p.id.toString())
    }
    this.known = known
    return known
  }
}

/** Options of `liveRelays`. */
export interface LiveOptions {
  /** Ask again, whatever was remembered. */
  fresh?: boolean
  /**
   * Ask again when fewer relays (this one counted) answered: a view taken while the others were
   * still starting would place every copy here and hand a site on to nobody.
   */
  atLeast?: number
  /** Only what was remembered: no question asked. */
  cachedOnly?: boolean
}

/** This relay's own block: of its addresses, a public one first, else any, else its own. */
function ownBlock(state: LiveViewState): string {
  const { node, placementPrefixes } = state.init
  const id = node.peerId.toString()
  const blocks = node.getMultiaddrs().map((a) => placementBlock(id, a, placementPrefixes))
  const isPrivate = (b: string): boolean =>
    b.startsWith('peer:') || /^ip4:(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(b)
  return (
    blocks.find((b) => !isPrivate(b) && b !== 'unknown') ??
    blocks.find((b) => b !== 'unknown') ??
    `peer:${id}`
  )
}

/** Whether `id` is live: identified and connected, or answering the mirror protocol now. */
async function ask(state: LiveViewState, id: PeerId, mirror: boolean): Promise<LiveRelay | null> {
  const { node, placementPrefixes } = state.init
  const key = id.toString()
  const blockOf = (): string =>
    placementBlock(
      key,
      node.getConnections(id).find((c) => c.status === 'open' && c.limits == null)?.remoteAddr,
      placementPrefixes,
    )
  const open = node.getConnections(id).some((c) => c.status === 'open' && c.limits == null)
  if (open && mirror && state.relays.has(key)) return { id, block: blockOf() }
  const question = (): Promise<unknown> =>
    askMirror(
      node,
      id,
      '',
      AbortSignal.any([state.signal, AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS)]),
    )
  const left = state.gone.since(key)
  if (left !== undefined && (open || Date.now() - left >= MIRROR_GONE_MS)) state.gone.delete(key)
  else if (left !== undefined) {
    // Asked in the background: a relay that answers connects, and is counted again then.
    void question().catch(() => undefined)
    return null
  }
  try {
    const answer = (await question()) as { kind?: string }
    return answer.kind === 'visitor' ? null : { id, block: blockOf() }
  } catch {
    return null
  }
}

/**
 * This relay and the other relays live now, for the placement of the DHT key `key`: the
 * known relays closest to `key`, at most `MAX_PLACEMENT_CANDIDATES`, each live by an open
 * connection after identifying as a relay or by answering the mirror protocol.
 */
export async function liveRelays(
  state: LiveViewState,
  key: Uint8Array,
  options: LiveOptions = {},
): Promise<LiveRelay[]> {
  const { node, scanInterval } = state.init
  const maxAge = Math.min(scanInterval, MIRROR_LIVE_VIEW_MS)
  const { view } = state
  const self = node.peerId.toString()
  const known = await view.knownRelays(state, options.fresh === true ? 0 : maxAge)
  const candidates = new Map<string, { id: PeerId; mirror: boolean }>()
  for (const [k, id] of known.relays) candidates.set(k, { id, mirror: true })
  for (const id of tableClosest(node.services.dht, key, MAX_PLACEMENT_CANDIDATES)) {
    const k = id.toString()
    if (!candidates.has(k) && !known.visitors.has(k)) candidates.set(k, { id, mirror: false })
  }
  candidates.delete(self)
  for (const k of candidates.keys()) if (view.failed.since(k) !== undefined) candidates.delete(k)
  const asked = closestBy(key, candidates.values(), (c) => c.id).slice(0, MAX_PLACEMENT_CANDIDATES)
  const answers = await Promise.all(
    asked.map(async ({ id, mirror }) => {
      const kept = view.answer(id.toString(), options.fresh === true ? 0 : maxAge)
      if (kept !== undefined) return options.cachedOnly === true ? kept.value : kept.asked
      if (options.cachedOnly === true) return null
      return view.remember(id.toString(), ask(state, id, mirror)).asked
    }),
  )
  const live = [
    { id: node.peerId, block: ownBlock(state) },
    ...answers.filter((r): r is LiveRelay => r != null),
  ]
  if (options.fresh !== true && options.atLeast !== undefined && live.length < options.atLeast)
    return liveRelays(state, key, { fresh: true })
  return live
}
