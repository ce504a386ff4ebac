/**
 * Starting the fetch of one site placed here: pull every block from the record's hosts and the
 * other mirrors (`pull-site.ts`), admit it, commit it whole, announce it; or remember why not.
 * @module
 */
import type { CID } from 'multiformats/cid'
import { toHex } from '@alternet/core/bytes'
import { dhtKey, type SignedRecord } from '@alternet/core/records'
import { admit } from './admission.ts'
import { provide, spread } from './announce.ts'
import { MirrorRefusedError } from './errors.ts'
import type { MirrorState, Pull } from './mirror-state.ts'
import { liveRelays } from './live-relays.ts'
import { placedRelays } from './placement.ts'
import { pullSite } from './pull-site.ts'

/** Remembers why `site` at `root` is not mirrored, counting and logging it. */
export function refuse(state: MirrorState, site: string, root: string, err: unknown): void {
  const refused =
    err instanceof MirrorRefusedError
      ? err
      : new MirrorRefusedError(
          'unreachable',
          `The site could not be fetched: ${(err as Error).message}`,
          { cause: err },
        )
  state.refusals.set(site, {
    root,
    reason: refused.reason,
    message: refused.message,
    at: Date.now(),
  })
  state.metrics.refused.inc({ reason: refused.reason })
  state.log.warn('site not mirrored', { site, reason: refused.reason, message: refused.message })
}

/** Fetches `site` as `record` (serialized as `value`) says, in the background. */
export function startPull(
  state: MirrorState,
  site: string,
  record: SignedRecord,
  value: Uint8Array,
): void {
  const { disk, metrics, log } = state
  const root = record.body.content as CID
  const pull: Pull = {
    root: root.toString(),
    done: 0,
    total: 0,
    work: Promise.resolve(),
    supplied: new AbortController(),
  }
  state.pulls.set(site, pull)
  const started = Date.now()
  let reserved = 0
  pull.work = (async () => {
    try {
      log.info('site pull started', { site, root: root.toString() })
      await disk.startPending(site, root.toString())
      const sizes = new Map<string, number>()
      const pulled = await pullSite({
        node: state.init.node,
        blocks: disk.blocks,
        site,
        root,
        hosts: record.body.hosts ?? [],
        // The other placed relays: after a mirror left, they hold the site, and are asked at once.
        mirrors: placedRelays(
          await dhtKey(site),
          await liveRelays(state, await dhtKey(site), { cachedOnly: true }),
          state.init.replicas,
        ),
        signal: state.signal,
        supplied: pull.supplied.signal,
        gate: () => pull.holdUntil,
        admit: async (_manifest, missing) => {
          reserved = await admit(state, site, record, missing)
        },
        onWritten: (cid) => disk.notePending(site, cid.toString()),
        onProgress: (done, total) => {
          pull.done = done
          pull.total = total
        },
        onDropped: (peer, error) => {
          metrics.droppedSources.inc()
          log.warn('mirror source dropped', { site, peer: peer.toString(), error })
        },
      })
      for (const cid of pulled.blocks) {
        const size = await disk.blocks.size(cid)
        if (size === undefined)
          throw new MirrorRefusedError(
            'unreachable',
            `Block ${cid} of ${site} left the disk before the site was complete.`,
          )
        sizes.set(cid, size)
      }
      // One flush for every block (written unflushed), before the site is recorded complete.
      await disk.blocks.sync(pulled.blocks).catch((err: NodeJS.ErrnoException) => {
        throw err.code === 'ENOSPC'
          ? new MirrorRefusedError('disk-full', 'The disk of this relay is full.', { cause: err })
          : err
      })
      const previous = disk.get(site)
      await disk.commit(
        {
          site,
          root: root.toString(),
          record: Buffer.from(value).toString('base64'),
          owner: toHex(record.holder),
          blocks: pulled.blocks,
          bytes: pulled.bytes,
          storedAt: Date.now(),
          lastRequested: previous?.lastRequested ?? Date.now(),
          ...(previous?.pinned === true ? { pinned: true } : {}),
        },
        sizes,
      )
      state.refusals.delete(site)
      metrics.completed.inc()
      log.info('site mirrored', {
        site,
        root: root.toString(),
        bytes: pulled.bytes,
        blocks: pulled.blocks.length,
        ms: Date.now() - started,
      })
      void provide(state, root)
      // The record goes again to the relays closest to its key: one the publisher's put did
      // not reach learns of the site here and mirrors it if placed.
      void spread(state, site, value)
    } catch (err) {
      if (state.signal.aborted) return
      refuse(state, site, root.toString(), err)
      await disk.abandonPending(site).catch(() => undefined)
    } finally {
      state.reservedBytes -= reserved
      state.pulls.delete(site)
    }
  })()
}
