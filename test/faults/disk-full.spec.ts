/**
 * A relay whose disk fills: a real relay process with its data dir on a small tmpfs (the spec
 * mounts it, and reports itself skipped where this machine does not let it). Records are
 * stored; then a file takes every free byte. The relay keeps serving every record it holds,
 * refuses a new name and a newer record for a held name as `disk-full`, says so in its log and
 * on /health, and serves neither; once the file is gone it takes records again, and after
 * `kill -9` and a restart every acknowledged record is there and no refused one.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it, before, after } from '../support/spec.ts'
import { mountSmallDisk, unmountSmallDisk } from '../support/small-disk.ts'
import * as assert from '../support/assert.ts'
import { equals } from '../../src/core/bytes.ts'
import { DISK_FULL_MESSAGE } from '../../relay-node/src/disk-room.ts'
import { createClient, getDirect, putDirect, type Client } from '../relay/support/client.ts'
import { dhtKey, generateKeyPair, rootRecord, uniqueName } from '../relay/support/records.ts'
import {
  getJson,
  metricValue,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from '../relay/support/relay-process.ts'

const MIB = 1024 * 1024
/** The data dir's file system: room for the relay's store and little else. */
const DISK = 40 * MIB
/** Records stored before the disk fills. */
const HELD = 10
/** Chunk the filler file is written in. */
const FILL_CHUNK = 64 * 1024

/** Writes zeros to `file` until the file system says it is full. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w')
  const zeros = new Uint8Array(FILL_CHUNK)
  try {
    for (;;) writeSync(fd, zeros)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
  } finally {
    closeSync(fd)
  }
}

describe('a relay whose disk is full', () => {
  let dir = ''
  let data = ''
  let mounted = false
  let relay: RelayProcess | undefined
  let client: Client | undefined

  before(async () => {
    dir = await tempDir('an-disk-')
    data = join(dir, 'r')
    await mkdir(data, { recursive: true })
    mounted = await mountSmallDisk(data, DISK)
    if (!mounted) return
    relay = await startRelay(data)
    client = await createClient({ relays: [relay.tcp] })
  })

  after(async () => {
    await client?.stop()
    await relay?.kill9()
    if (mounted) await unmountSmallDisk(data)
    if (dir !== '') await removeDir(dir)
  })

  it('serves what it holds, refuses new records in words, takes them again when there is room, and loses nothing', async (t) => {
    if (!mounted) {
      // Reported as skipped, never as a pass: nothing was checked.
      t.skip('a small file system could not be mounted here')
      return
    }
    const owner = generateKeyPair()
    const held: Array<{ key: Uint8Array; value: Uint8Array }> = []
    const names: string[] = []
    for (let i = 0; i < HELD; i++) {
      const name = uniqueName('held')
      names.push(name)
      const entry = { key: await dhtKey(name), value: await rootRecord(name, owner) }
      assert.ok(await putDirect(client!, relay!.peerId, entry.key, entry.value), 'record refused')
      held.push(entry)
    }
    const serves = async (entry: { key: Uint8Array; value: Uint8Array }): Promise<boolean> => {
      const value = await getDirect(client!, relay!.peerId, entry.key)
      return value !== undefined && equals(value, entry.value)
    }

    const filler = join(data, 'filler')
    fillDisk(filler)
    await waitFor('/health to say the disk is full', async () => {
      return (await getJson(relay!, '/health')).diskFull === true
    })
    const refusedName = uniqueName('refused')
    const refused = {
      key: await dhtKey(refusedName),
      value: await rootRecord(refusedName, owner),
    }
    assert.equal(await putDirect(client!, relay!.peerId, refused.key, refused.value), false)
    const newer = await rootRecord(names[0], owner, { seq: 2 })
    assert.equal(await putDirect(client!, relay!.peerId, held[0].key, newer), false)
    for (const entry of held) assert.ok(await serves(entry), 'a held record is not served')
    assert.equal(await getDirect(client!, relay!.peerId, refused.key), undefined)
    assert.ok(relay!.stderr().includes(DISK_FULL_MESSAGE), 'the log does not say the disk is full')
    const metrics = await (await fetch(`${relay!.http}/metrics`)).text()
    assert.equal(
      metricValue(metrics, 'alternet_relay_rejected_records_total{reason="disk-full"}'),
      2,
    )

    await rm(filler)
    await waitFor('/health to say the disk has room', async () => {
      return (await getJson(relay!, '/health')).diskFull === false
    })
    const laterName = uniqueName('later')
    const later = { key: await dhtKey(laterName), value: await rootRecord(laterName, owner) }
    assert.ok(await putDirect(client!, relay!.peerId, later.key, later.value), 'refused with room')
    assert.ok(await putDirect(client!, relay!.peerId, held[0].key, newer), 'newer refused')
    held[0] = { key: held[0].key, value: newer }
    held.push(later)

    await client!.stop()
    await relay!.kill9()
    relay = await startRelay(data)
    client = await createClient({ relays: [relay.tcp] })
    for (const entry of held) assert.ok(await serves(entry), 'an acknowledged record was lost')
    assert.equal(await getDirect(client, relay.peerId, refused.key), undefined)
  })
})
