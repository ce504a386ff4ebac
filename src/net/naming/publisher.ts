/**
 * Publishing: sign a record with the owner key and put it into the DHT, after making sure no
 * other key holds the name. The sequence number climbs above every one this device or the
 * network knows for the holder, so relays (which refuse rollbacks) take it.
 * @module
 */
import type { KadDHT } from '@libp2p/kad-dht'
import { equals } from '../../core/bytes.ts'
import { parseSiteName, rootSiteName } from '../../core/names/index.ts'
import {
  dhtKey,
  validateRecord,
  type RecordFields,
  type Registration,
  type SignedRecord,
} from '../../core/records/index.ts'
import type { AlternetStorage } from '../../storage/index.ts'
import { DHT_PUT_TIMEOUT_MS } from './constants.ts'
import { putRecord } from './dht-records.ts'
import { LookupTimeoutError, NameHeldError, PublishRefusedError } from './errors.ts'
import type { Resolver } from './resolver.ts'

/** The fields of a record to publish: `seq` is optional (the next one is chosen). */
export type PublishFields = Omit<RecordFields, 'seq'> & {
  /** At least this; raised above every seq known for the holder. @default the next one */
  seq?: number
}

/** What `publish` resolves to. */
export interface PublishResult {
  record: SignedRecord
  /** DHT servers that stored it. */
  accepted: number
}

/** What the publisher works with. */
export interface PublisherInit {
  dht: KadDHT
  storage: AlternetStorage
  resolver: Resolver
  trustedRegistrars: readonly Uint8Array[]
  now: () => number
}

/** Whether `offered` is a trusted registration that outranks the holder's (as relays decide). */
function takesOver(
  offered: Registration | undefined,
  held: SignedRecord,
  trusted: readonly Uint8Array[],
): boolean {
  const isTrusted = (r: Registration | undefined): r is Registration =>
    r !== undefined && trusted.some((k) => equals(k, r.registrar))
  if (!isTrusted(offered)) return false
  const heldRegistration = held.body.registration
  return !isTrusted(heldRegistration) || offered.expires > heldRegistration.expires
}

/** Waits before asking again when no server answered a look-up (a relay just connected, a reset). */
const UNANSWERED_RETRY_MS = [250, 1_000, 2_000]

/**
 * The network's records of `name`, asked again (a few times, briefly) while no server answers:
 * the next seq and whether another key holds the name are chosen from them, never guessed.
 */
async function answeredRecords(
  resolver: Pick<Resolver, 'networkRecords'>,
  name: string,
  signal?: AbortSignal,
): Promise<SignedRecord[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await resolver.networkRecords(name, signal)
    } catch (err) {
      const delay = UNANSWERED_RETRY_MS[attempt]
      if (!(err instanceof LookupTimeoutError) || !err.unanswered || delay === undefined) throw err
      await new Promise((resolve) => setTimeout(resolve, delay))
      signal?.throwIfAborted()
    }
  }
}

/** Puts signed record bytes; throws `PublishRefusedError` when no server stored them. */
export async function putSigned(
  init: Pick<PublisherInit, 'dht'>,
  record: SignedRecord,
  signal?: AbortSignal,
): Promise<number> {
  const { accepted, errors } = await putRecord(
    init.dht,
    await dhtKey(record.body.name),
    record.bytes,
    { signal, timeoutMs: DHT_PUT_TIMEOUT_MS },
  )
  if (accepted === 0) throw new PublishRefusedError(record.body.name, errors)
  return accepted
}

/**
 * Signs `fields` with the owner key and puts the record. Throws `NameHeldError` when another key
 * holds the name (or its root), `PublishRefusedError` when no server stored it, the core's record
 * errors for fields that break the format (or an unregistered name in a permissioned network).
 */
export async function publish(
  init: PublisherInit,
  fields: PublishFields,
  signal?: AbortSignal,
): Promise<PublishResult> {
  const { storage, resolver, trustedRegistrars } = init
  const owner = await storage.identity.getOrCreateOwnerKey()
  const site = parseSiteName(fields.name).site
  const root = rootSiteName(site)
  const holder = fields.root?.owner ?? owner.publicKey

  const [existing, rootExisting] = await Promise.all([
    answeredRecords(resolver, site, signal),
    root === site ? Promise.resolve([]) : answeredRecords(resolver, root, signal),
  ])
  for (const held of [...existing, ...rootExisting]) {
    if (!equals(held.holder, holder) && !takesOver(fields.registration, held, trustedRegistrars)) {
      throw new NameHeldError(site, held.holder, held.body.expires)
    }
  }

  const stored = await storage.sites.getPublishedSite(site)
  const known = [
    ...existing.filter((r) => equals(r.holder, holder)).map((r) => r.body.seq),
    stored !== undefined && equals(stored.owner, owner.publicKey) ? stored.seq : 0,
    // Records pre-signed for the mirrors are out there: this one must supersede them.
    stored?.presignedSeq ?? 0,
  ]
  const seq = Math.max(fields.seq ?? 0, Math.max(...known) + 1)
  const now = init.now()
  const record = await owner.createRecord({
    ...fields,
    name: site,
    seq,
    created: fields.created ?? now,
  })
  // A record every server would refuse (say, unregistered in a permissioned network) fails here.
  await validateRecord(record.bytes, { key: await dhtKey(site), now, trustedRegistrars })

  const accepted = await putSigned(init, record, signal)
  await storage.sites.putPublishedSite(record.bytes, { publishedAt: now })
  await storage.records.putCachedRecord(site, record.bytes, now)
  // Publishing under one's own key is knowing acceptance of it for the root name.
  const pin = await storage.pins.getPin(root)
  if (pin === undefined) await storage.pins.pin(root, record.holder, now)
  else if (!equals(pin.holder, record.holder))
    await storage.pins.replacePin(root, record.holder, now)
  return { record, accepted }
}
