/**
 * Where a site a tab uploads goes: admitted as one of the site's mirrors or as a staging copy
 * handed on to the placed relays; forwarded to the other placed relays as its blocks arrive;
 * taken (or handed on) once every block is on disk. See docs/PROTOCOL.md, "Upload".
 * @module
 */
import type { CID } from 'multiformats/cid'
import { dhtKey, type SignedRecord } from '@alternet/core/records'
import { admit } from './admission.ts'
import { HANDED_ON_REMEMBERED_MS } from './constants.ts'
import { MirrorRefusedError } from './errors.ts'
import { handOn } from './hand-on.ts'
import { liveRelays } from './live-relays.ts'
import { isServable, type MirrorState, type Staging } from './mirror-state.ts'
import type { PlacementScan } from './placement-scan.ts'
import { isPlacedOn } from './placement.ts'
import type { WantedBlock } from './pull-site.ts'
import type { Receiving } from './upload-arrivals.ts'

/**
 * An upload starts: a pull of the same root holds its fetches until the upload ends (the
 * upload brings the blocks; the tab's bandwidth goes to it). A placed relay forwards a tab's
 * upload to the other placed relays as its blocks arrive (not another relay's, known by its
 * identify advertising uploads: a hand-on goes no further), so that they hold it about when
 * this one does.
 */
export function receiving(state: MirrorState, upload: Receiving): void {
  const site = upload.record.body.name
  const pull = state.pulls.get(site)
  if (pull?.root === String(upload.record.body.content))
    pull.holdUntil = upload.ended.then(() => undefined)
  if (state.staging.has(site)) return
  void (async () => {
    // Only relays take uploads: an uploader that does is a relay handing the site on.
    if (state.relays.has(upload.from.toString())) return
    const live = await liveRelays(state, await dhtKey(site), { atLeast: state.init.replicas })
    await handOn(state, upload.record, upload.manifest, live, {
      keep: true,
      block: upload.block,
    })
  })().catch((err) => state.log.debug('upload not handed on', { site, error: err }))
}

/**
 * Every block of an upload is on disk. A staging copy is handed on to the placed relays. A
 * placed relay takes the site: a pull started before the upload (from the record's hosts)
 * may have missed the blocks (and released the manifest when it failed), so the site is
 * looked at again once that pull ended (its fetches under way stop at once).
 */
export async function takeUploaded(
  state: MirrorState,
  placement: PlacementScan,
  record: SignedRecord,
  value: Uint8Array,
  manifest: Uint8Array,
): Promise<void> {
  const site = record.body.name
  const staging = state.staging.get(site)
  if (staging !== undefined && !staging.taken) {
    staging.taken = true
    try {
      const live = await liveRelays(state, await dhtKey(site), { atLeast: state.init.replicas })
      await handOn(state, record, manifest, live)
    } finally {
      state.reservedBytes -= staging.need
      staging.handedOn = true
      // Answered as handed on for a while (a publisher still waiting counts it out), then forgotten.
      setTimeout(() => {
        if (state.staging.get(site) === staging) state.staging.delete(site)
      }, HANDED_ON_REMEMBERED_MS).unref()
    }
    return
  }
  try {
    const pull = state.pulls.get(site)
    // Its fetches under way stop: every block they wait for is on disk now.
    if (pull?.root === String(record.body.content))
      pull.supplied.abort(new Error('The upload brought every block.'))
    await pull?.work
    // A failed pull releases its root: the manifest goes back before the site is looked at.
    await state.disk.blocks.put(record.body.content as CID, manifest)
    state.refusals.delete(site)
    await placement.consider(await dhtKey(site), value)
  } catch (err) {
    state.log.debug('uploaded site not taken', { error: err })
  }
}

/**
 * An upload's admission: servable, then the pull's checks; placed here (or a version of the
 * site held here), else a staging copy. The room is reserved until it ends.
 */
export async function admitUpload(
  state: MirrorState,
  record: SignedRecord,
  missing: readonly WantedBlock[],
): Promise<() => void> {
  const site = record.body.name
  const root = (record.body.content as CID).toString()
  if (!isServable(state, site, root))
    throw new MirrorRefusedError('blocked', `${site} is revoked or its content is blocked here.`)
  const key = await dhtKey(site)
  const live = await liveRelays(state, key)
  const need = await admit(state, site, record, missing)
  // A relay that holds a version of the site follows it even when not placed (see
  // placement-scan.ts): the new version is its own copy too, not a staging copy.
  const follows = state.disk.get(site) !== undefined
  if (follows || isPlacedOn(state.init.node.peerId, key, live, state.init.replicas))
    return () => {
      state.reservedBytes -= need
    }
  // Not one of the site's mirrors: a staging copy, handed on to the placed relays once whole
  // (its room stays reserved until then).
  const staging: Staging = { root, need, taken: false, handedOn: false }
  state.staging.set(site, staging)
  return () => {
    if (staging.taken) return
    state.reservedBytes -= need
    if (state.staging.get(site) === staging) state.staging.delete(site)
  }
}
