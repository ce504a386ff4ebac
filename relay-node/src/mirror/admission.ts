/**
 * Admission of a site to the mirror store: the operator's policy, the owner's quota, and room
 * on disk (evicting, in the documented order, what may go). See docs/PROTOCOL.md, "Mirrors".
 * @module
 */
import { Key } from 'interface-datastore'
import { base32 } from 'multiformats/bases/base32'
import { equals, toHex } from '@alternet/core/bytes'
import { dhtKey, type SignedRecord } from '@alternet/core/records'
import { DHT_RECORD_PREFIX } from '../constants.ts'
import { MirrorRefusedError } from './errors.ts'
import { roomFor, type EvictionCandidate } from './eviction.ts'
import type { MirrorState } from './mirror-state.ts'
import { liveRelays } from './live-relays.ts'
import { isPlacedOn } from './placement.ts'
import type { WantedBlock } from './pull-site.ts'

function recordDsKey(key: Uint8Array): Key {
  return new Key(DHT_RECORD_PREFIX + base32.baseEncode(key), false)
}

/** Whether the DHT store holds a servable record of `site` (else the site is past its horizon). */
async function hasLiveRecord(state: MirrorState, site: string): Promise<boolean> {
  const key = await dhtKey(site)
  const value = await state.init.store.peekRecord(recordDsKey(key))
  return value !== undefined && (await state.init.recordPolicy.isServable(key, value))
}

/** Throws `MirrorRefusedError` when the operator's policy does not take `site`. */
export function checkPolicy(state: MirrorState, site: string, record: SignedRecord): void {
  const { policy, permissions } = state.init
  if (policy === 'none')
    throw new MirrorRefusedError(
      'policy',
      'This relay does not mirror sites (its operator set --mirror-policy none).',
    )
  if (policy === 'registered') {
    const reg = record.body.registration
    const trusted =
      reg !== undefined &&
      permissions.registrars.some((k) => equals(k, reg.registrar)) &&
      reg.expires > Date.now()
    if (!trusted)
      throw new MirrorRefusedError(
        'unregistered',
        `This relay mirrors only names a trusted registrar vouches for, and ${site} has no such registration.`,
      )
  }
}

/**
 * Checks policy, owner quota and room (evicting what may go); reserves the bytes of `missing`
 * in `state.reservedBytes` and returns them (the caller gives them back when done).
 */
export async function admit(
  state: MirrorState,
  site: string,
  record: SignedRecord,
  missing: readonly WantedBlock[],
  uploaded = false,
): Promise<number> {
  const { ownerQuota, maxBytes, node, replicas } = state.init
  const { disk } = state
  // The operator's token vouches for a site uploaded through the registrar API: no policy check.
  if (!uploaded) checkPolicy(state, site, record)
  const need = missing.reduce((n, b) => n + b.size, 0)
  const owner = toHex(record.holder)
  const ownerUsed = disk.ownerBytes(owner, site)
  if (ownerUsed + need > ownerQuota)
    throw new MirrorRefusedError(
      'owner-quota',
      `The owner of ${site} already has ${ownerUsed} bytes mirrored here; ${need} more would pass this relay's limit of ${ownerQuota} bytes per owner.`,
    )
  const candidates: EvictionCandidate[] = []
  for (const entry of disk.sites()) {
    if (entry.site === site || state.pulls.has(entry.site)) continue
    candidates.push({
      site: entry.site,
      lastRequested: entry.lastRequested,
      pastHorizon: !(await hasLiveRecord(state, entry.site)),
      surplus:
        entry.pinned !== true &&
        !isPlacedOn(
          node.peerId,
          await dhtKey(entry.site),
          await liveRelays(state, await dhtKey(entry.site), { cachedOnly: true }),
          replicas,
        ),
    })
  }
  const victims = roomFor(
    need,
    maxBytes - disk.usedBytes() - state.reservedBytes,
    candidates,
    (s) => disk.get(s)?.bytes ?? 0,
  )
  if (victims === undefined)
    throw new MirrorRefusedError(
      'store-full',
      `This relay's mirror store is full: ${site} needs ${need} bytes and no site may be evicted to make room (limit ${maxBytes} bytes).`,
    )
  for (const victim of victims) {
    const gone = disk.get(victim)
    await disk.drop(victim)
    // Remembered as refused, so the next scan does not fetch it straight back.
    if (gone !== undefined)
      state.refusals.set(victim, {
        root: gone.root,
        reason: 'evicted',
        message: `This relay's mirror store was full: ${victim} was evicted to make room for a site requested more recently.`,
        at: Date.now(),
      })
    state.log.info('mirrored site evicted to make room', { site: victim, for: site })
  }
  state.reservedBytes += need
  return need
}
