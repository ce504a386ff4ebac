/**
 * Helping host what this person visits: when they opt in, the verified blocks of every site
 * this device holds completely (its current content root, every block of its manifest) are
 * served over `/an/route/1.0.0` like a hosted site's, the device answers `/an/mirror/1.0.0`
 * for those sites (`complete`, marked `"kind":"visitor"`), and announces itself as a provider
 * of each content root in the DHT, the way mirrors are found. A visitor then takes blocks from
 * it as from any mirror, each verified. Off, it serves none of them and does not speak
 * `/an/mirror/1.0.0`. See docs/PROTOCOL.md, "Visitors who help host".
 * @module
 */
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { decodeManifest, type Manifest } from '../../core/content/index.ts'
import { MIRROR_PROTOCOL } from '../mirror/constants.ts'
import { answerStatus, type MirrorStatus } from '../mirror/mirror-status.ts'
import type { ContentStore } from './content-store.ts'
import {
  HELP_HOST_MAX_SITES,
  HELP_HOST_MAX_SITE_BYTES,
  HELP_HOST_QUESTIONS_PER_PEER,
} from './constants.ts'

/** A site helped: its content root and every block of it (the manifest included). */
interface Helped {
  root: CID
  blocks: Set<string>
  bytes: number
}

/** What helping host works with. */
export interface HelpHostInit {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle' | 'contentRouting'>
  store: Pick<ContentStore, 'getBlock' | 'hasBlock'> & {
    listVisitedSites?(): Promise<Array<{ site: string }>>
  }
  /** The current content root of a site (the naming service's resolve). */
  root(site: string, signal?: AbortSignal): Promise<CID | undefined>
  /** Fetches a file of a site through the verifying fetcher, which keeps its blocks. */
  fetchFile(site: string, path: string, signal?: AbortSignal): Promise<void>
  /** Resolves when every fetched block is in the store. */
  flush(): Promise<void>
  /** Called when the helped sites change (to serve them). */
  onChange?(): void
}

/** Helping host visited sites (see the module doc). */
export interface HelpHost {
  readonly enabled: boolean
  /** Turns helping on (each visited site held completely is served) or off (nothing is). */
  setEnabled(on: boolean): Promise<void>
  /** A site was visited: when helping, fetch what is missing of it, then serve it. */
  visited(site: string): Promise<void>
  /** The sites served as a helper, by canonical name, with their content root. */
  sites(): Array<{ site: string; root: CID }>
  /** Whether `cid` is a block of a helped site. */
  hasBlock(cid: CID): boolean
  /** Stops serving every helped site (their blocks were deleted); visiting one again helps again. */
  forget(): void
  stop(): Promise<void>
}

function blocksOf(root: CID, manifest: Manifest): { cids: CID[]; bytes: number } {
  const cids = [root]
  let bytes = 0
  for (const entry of Object.values(manifest.files)) {
    cids.push(...entry.chunks)
    bytes += entry.size
  }
  return { cids, bytes }
}

/** Creates the helper; it starts off. */
export function createHelpHost(init: HelpHostInit): HelpHost {
  const { libp2p, store } = init
  const helped = new Map<string, Helped>()
  const busy = new Map<string, Promise<void>>()
  const open = new Map<string, number>()
  let enabled = false

  const answer = (site: string): MirrorStatus => {
    const held = enabled ? helped.get(site) : undefined
    if (held === undefined) return { site, state: 'absent' }
    return {
      site,
      state: 'complete',
      kind: 'visitor',
      root: held.root.toString(),
      blocksDone: held.blocks.size,
      blocksTotal: held.blocks.size,
      bytes: held.bytes,
    }
  }

  const handler = (stream: Stream, connection: Connection): void => {
    const key = connection.remotePeer.toString()
    const now = open.get(key) ?? 0
    // Each asking peer has its own small budget, so no peer holds another's question back.
    if (now >= HELP_HOST_QUESTIONS_PER_PEER) {
      stream.abort(new Error('Too many questions from this peer at once.'))
      return
    }
    open.set(key, now + 1)
    void answerStatus(stream, (q) => answer(q.site)).finally(() => {
      const left = (open.get(key) ?? 1) - 1
      if (left <= 0) open.delete(key)
      else open.set(key, left)
    })
  }

  /** Every block of `root` held, with the manifest; undefined when one is missing. */
  async function heldWhole(root: CID): Promise<Helped | undefined> {
    const bytes = await store.getBlock(root)
    if (bytes === undefined) return undefined
    const { cids, bytes: size } = blocksOf(root, await decodeManifest(bytes, root))
    const held = await Promise.all(cids.map((c) => store.hasBlock(c)))
    if (!held.every(Boolean)) return undefined
    return { root, blocks: new Set(cids.map((c) => c.toString())), bytes: size }
  }

  async function complete(site: string, signal?: AbortSignal): Promise<void> {
    const root = await init.root(site, signal)
    if (root === undefined) return
    if (helped.get(site)?.root.equals(root) === true) return
    let whole = await heldWhole(root)
    if (whole === undefined) {
      const manifestBytes = await store.getBlock(root)
      if (manifestBytes === undefined) return
      const manifest = await decodeManifest(manifestBytes, root)
      if (blocksOf(root, manifest).bytes > HELP_HOST_MAX_SITE_BYTES) return
      for (const [path, entry] of Object.entries(manifest.files)) {
        if (!enabled) return
        const present = await Promise.all(entry.chunks.map((c) => store.hasBlock(c)))
        if (present.every(Boolean)) continue
        await init.fetchFile(site, path, signal)
      }
      await init.flush()
      whole = await heldWhole(root)
    }
    if (whole === undefined || !enabled) return
    if (!helped.has(site) && helped.size >= HELP_HOST_MAX_SITES) return
    helped.set(site, whole)
    init.onChange?.()
    // Findable the way mirrors are: a provider record of the content root.
    await libp2p.contentRouting.provide(root, { signal }).catch(() => undefined)
  }

  const visited = (site: string): Promise<void> => {
    if (!enabled) return Promise.resolve()
    const running = busy.get(site)
    if (running !== undefined) return running
    const job = complete(site)
      .catch(() => undefined)
      .finally(() => busy.delete(site))
    busy.set(site, job)
    return job
  }

  return {
    get enabled() {
      return enabled
    },
    async setEnabled(on) {
      if (on === enabled) return
      enabled = on
      if (on) {
        await libp2p.handle(MIRROR_PROTOCOL, handler, {
          maxInboundStreams: HELP_HOST_QUESTIONS_PER_PEER,
          runOnLimitedConnection: false,
        })
        const sites = (await store.listVisitedSites?.().catch(() => [])) ?? []
        for (const { site } of sites.slice(0, HELP_HOST_MAX_SITES)) void visited(site)
      } else {
        await libp2p.unhandle(MIRROR_PROTOCOL).catch(() => undefined)
        helped.clear()
        init.onChange?.()
      }
    },
    visited,
    sites: () => (enabled ? [...helped].map(([site, h]) => ({ site, root: h.root })) : []),
    hasBlock: (cid) => {
      if (!enabled) return false
      const key = cid.toString()
      for (const h of helped.values()) if (h.blocks.has(key)) return true
      return false
    },
    forget() {
      helped.clear()
      init.onChange?.()
    },
    async stop() {
      if (enabled) await libp2p.unhandle(MIRROR_PROTOCOL).catch(() => undefined)
      enabled = false
      helped.clear()
    },
  }
}
