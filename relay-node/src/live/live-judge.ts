/**
 * How a relay judges a live message (docs/PROTOCOL.md#live-updates): a record with the same
 * rules as a DHT PUT (the record policy's `checkPut` against the stored record: validity,
 * rollback, hijack, revoked, blocked), a revocation with the revoker's trust files. Faults of the
 * sender (forged, malformed, a replay of an old version, hijack, wrong topic) are rejected, which
 * scores the sender down; local policy (revoked or blocked here, a root it cannot find, clocks)
 * and a version that lost a race to the one stored (`RecentVersions`) are ignored: not
 * forwarded, no blame. An accepted record is stored as a DHT PUT would store it.
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import { Libp2pRecord } from '@libp2p/record'
import { Key } from 'interface-datastore'
import { base32 } from 'multiformats/bases/base32'
import { equals } from '@alternet/core/bytes'
import {
  decodeRecord,
  decodeRevocation,
  isDhtKeyOf,
  type LiveMessageType,
} from '@alternet/core/records'
import { judgedError, RecentVersions, type LiveJudgement } from '@alternet/net/live'
import { DHT_RECORD_PREFIX } from '../constants.ts'
import { RecordRefusedError } from '../errors.ts'
import type { RecordPolicy } from '../record-store.ts'
import { runAsSender } from '../record-store.ts'
import type { RevokeAnswer } from '../revoke.ts'

/** Refusals of the record policy that are the sender's fault (anything else is local policy). */
const SENDER_FAULTS = new Set([
  'rollback',
  'hijack',
  'forged',
  'malformed',
  'oversized',
  'key-mismatch',
  'unknown-type',
  'lifetime-too-long',
  'unauthorized-signer',
  'invalid',
])

/** What the relay's judge works with. */
export interface RelayLiveJudgeInit {
  /** The relay's record policy (the guarded store's). */
  policy: Pick<RecordPolicy, 'checkPut'>
  /** The stored record value under a datastore key. */
  peekRecord(key: Key): Promise<Uint8Array | undefined>
  /** Stores a record as a DHT PUT does (the datastore kad-dht writes to). */
  putRecord(key: Key, value: Uint8Array): Promise<unknown>
  /** Applies a revocation (the relay's `Revoker`). */
  applyRevocation(bytes: Uint8Array, from?: PeerId): Promise<RevokeAnswer>
  /** The source (subnet) of a neighbour, for store quotas. */
  sourceOf(peer: PeerId): string
  /** How long after storing a version an older one counts as a lost race (ms). @default LIVE_RACE_MS */
  raceMs?: number
}

/** The datastore key kad-dht keeps the record of a DHT key under. */
export function recordDsKey(key: Uint8Array): Key {
  return new Key(DHT_RECORD_PREFIX + base32.baseEncode(key), false)
}

/** The relay's judge of live messages. */
export class RelayLiveJudge {
  private readonly init: RelayLiveJudgeInit
  /** The versions the store took lately, by datastore key. */
  private readonly versions: RecentVersions

  constructor(init: RelayLiveJudgeInit) {
    this.init = init
    this.versions = new RecentVersions(init.raceMs === undefined ? {} : { raceMs: init.raceMs })
  }

  /** The store took `value` (a serialized DHT record) under `dsKey`, from a PUT or a live message. */
  stored(dsKey: string, value: Uint8Array): void {
    try {
      this.versions.took(dsKey, decodeRecord(Libp2pRecord.deserialize(value).value).body.seq)
    } catch {
      // Not a record of ours: nothing to remember.
    }
  }

  async judge(
    type: LiveMessageType,
    bytes: Uint8Array,
    key: Uint8Array,
    from: PeerId,
  ): Promise<LiveJudgement> {
    return type === 'record'
      ? this.judgeRecord(bytes, key, from)
      : this.judgeRevocation(bytes, key, from)
  }

  private async judgeRecord(
    bytes: Uint8Array,
    key: Uint8Array,
    from: PeerId,
  ): Promise<LiveJudgement> {
    const dsKey = recordDsKey(key)
    const stored = await this.init.peekRecord(dsKey)
    if (stored !== undefined && equals(stored, bytes)) return { verdict: 'ignore', reason: 'known' }
    try {
      await this.init.policy.checkPut(key, bytes, stored)
    } catch (err) {
      if (err instanceof RecordRefusedError && err.reason === 'rollback' && stored !== undefined)
        return this.versions.judgeOlder(
          dsKey.toString(),
          decodeRecord(bytes).body.seq,
          decodeRecord(stored).body.seq,
        )
      if (err instanceof RecordRefusedError)
        return { verdict: SENDER_FAULTS.has(err.reason) ? 'reject' : 'ignore', reason: err.reason }
      return judgedError(err)
    }
    try {
      await runAsSender({ peer: from.toString(), source: this.init.sourceOf(from) }, () =>
        this.init.putRecord(dsKey, new Libp2pRecord(key, bytes, new Date()).serialize()),
      )
    } catch (err) {
      // Valid and newer, but this relay cannot keep it (store full, sender over quota).
      return { verdict: 'ignore', reason: (err as { reason?: string }).reason ?? 'not-stored' }
    }
    return { verdict: 'accept', reason: 'newer' }
  }

  private async judgeRevocation(
    bytes: Uint8Array,
    key: Uint8Array,
    from: PeerId,
  ): Promise<LiveJudgement> {
    let name: string
    try {
      name = decodeRevocation(bytes).body.name
    } catch (err) {
      return judgedError(err)
    }
    if (!isDhtKeyOf(key, name)) return { verdict: 'reject', reason: 'wrong-topic' }
    const answer: RevokeAnswer = await this.init
      .applyRevocation(bytes, from)
      .catch((err: Error) => ({
        ok: false,
        error: err.name,
        message: err.message,
      }))
    if (!answer.ok) {
      // Not trusted here may be trusted elsewhere; a bad signature is the sender's fault.
      const forged = /InvalidSignatureError|MalformedRecordError/.test(answer.message ?? '')
      return { verdict: forged ? 'reject' : 'ignore', reason: forged ? 'forged' : 'untrusted' }
    }
    return answer.fresh === true
      ? { verdict: 'accept', reason: 'revoked' }
      : { verdict: 'ignore', reason: 'known' }
  }
}
