/**
 * The public site directory of a real relay process (`GET /directory`): only sites whose
 * current owner-signed record opts in (`meta.directory = "listed"`) are listed; a stranger's
 * record for someone else's name and a record with a forged signature list nothing; a newer
 * record without the opt-in, expiry, a revocation and the blocklist each remove the listing;
 * the directory holds at most its bound per owner key, per source and in total.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises'
import { describe, it, before, after } from '../support/spec.ts'
import * as assert from '../support/assert.ts'
import { toHex } from '../../src/core/bytes.ts'
import { sign } from '../../src/core/crypto/ed25519.ts'
import { encodeCbor, encodeEnvelope } from '../../src/core/records/codec.ts'
import { createRevocation, recordSigningBytes } from '../../src/core/records/index.ts'
import { createClient, putDirect, type Client } from './support/client.ts'
import {
  contentRoot,
  dhtKey,
  generateKeyPair,
  rootRecord,
  uniqueName,
  type Ed25519KeyPair,
} from './support/records.ts'
import {
  getJson,
  removeDir,
  startRelay,
  tempDir,
  waitFor,
  type RelayProcess,
} from './support/relay-process.ts'

const LISTED = { directory: 'listed' }

interface Listing {
  site: string
  title?: string
  updated: number
  expires: number
}

async function listed(relay: RelayProcess): Promise<string[]> {
  const { sites } = await getJson<{ sites: Listing[] }>(relay, '/directory')
  return sites.map((s) => s.site)
}

/** A record naming `owner` as its holder, opting in, but signed by another key. */
async function forgedListing(name: string, owner: Ed25519KeyPair): Promise<Uint8Array> {
  const created = Date.now()
  const body = encodeCbor({
    v: 1,
    type: 'root',
    name,
    owner: owner.publicKey,
    seq: 9,
    created,
    expires: created + 3_600_000,
    ttl: 300,
    content: await contentRoot(name),
    meta: LISTED,
  })
  const sig = await sign(generateKeyPair().seed, recordSigningBytes(body))
  return encodeEnvelope({ body, sig })
}

describe('the public site directory (real relay)', () => {
  let dir: string
  let relay: RelayProcess
  let client: Client
  const revoker = generateKeyPair()

  before(async () => {
    dir = await tempDir()
    await mkdir(`${dir}/relay`, { recursive: true })
    await writeFile(`${dir}/relay/trusted-revokers`, `${toHex(revoker.publicKey)}\n`)
    relay = await startRelay(`${dir}/relay`, [
      '--directory-per-owner',
      '3',
      '--directory-per-source',
      '6',
      '--directory-max-entries',
      '8',
      '--new-names-per-minute',
      '0',
      // A lone relay: its look-up of each new name has no other server to ask, and the
      // short-lived listing below must not spend its life waiting for it.
      '--root-lookup-timeout',
      '200ms',
    ])
    client = await createClient({ relays: [relay.tcp] })
  })

  after(async () => {
    await client?.stop()
    await relay?.stop()
    await removeDir(dir)
  })

  const put = async (name: string, value: Uint8Array): Promise<boolean> =>
    putDirect(client, relay.peerId, await dhtKey(name), value)

  it('lists a site whose owner signed the opt-in, and not one without it', async () => {
    const owner = generateKeyPair()
    const yes = uniqueName('listed')
    const no = uniqueName('quiet')
    const content = await contentRoot(yes)
    assert.ok(
      await put(yes, await rootRecord(yes, owner, { content, meta: { ...LISTED, title: 'Yes' } })),
    )
    assert.ok(await put(no, await rootRecord(no, owner, { content })))
    await waitFor('the listing', async () => (await listed(relay)).includes(yes))
    const { sites } = await getJson<{ sites: Listing[] }>(relay, '/directory')
    const entry = sites.find((s) => s.site === yes)
    assert.equal(entry?.title, 'Yes')
    assert.ok(!(await listed(relay)).includes(no), 'a site without the opt-in is listed')
    const res = await fetch(`${relay.http}/directory`)
    assert.equal(res.headers.get('access-control-allow-origin'), '*')

    // A newer record of the owner without the opt-in takes the site out.
    assert.ok(await put(yes, await rootRecord(yes, owner, { content, seq: 2 })))
    await waitFor('the listing gone', async () => !(await listed(relay)).includes(yes))
  })

  it('refuses a stranger listing a name someone else holds, and a forged signature', async () => {
    const holder = generateKeyPair()
    const stranger = generateKeyPair()
    const name = uniqueName('held')
    const content = await contentRoot(name)
    assert.ok(await put(name, await rootRecord(name, holder, { content })))
    const taken = await rootRecord(name, stranger, { content, seq: 5, meta: LISTED })
    assert.equal(await put(name, taken), false, 'the stranger’s record was stored')
    const forged = uniqueName('forged')
    assert.equal(await put(forged, await forgedListing(forged, holder)), false)
    // A listing put after them is seen; the stranger's and the forged one never are.
    const marker = uniqueName('marker')
    assert.ok(
      await put(
        marker,
        await rootRecord(marker, generateKeyPair(), {
          content: await contentRoot(marker),
          meta: LISTED,
        }),
      ),
    )
    await waitFor('the marker', async () => (await listed(relay)).includes(marker))
    const now = await listed(relay)
    assert.ok(!now.includes(name), 'a stranger listed a name another key holds')
    assert.ok(!now.includes(forged), 'a forged record was listed')
  })

  it('drops a listing on expiry, on revocation and on the blocklist', async () => {
    const owner = generateKeyPair()
    const [short, revoked, blocked] = ['short', 'revoked', 'blocked'].map((p) => uniqueName(p))
    const now = Date.now()
    assert.ok(
      await put(
        short,
        await rootRecord(short, owner, {
          content: await contentRoot(short),
          meta: LISTED,
          created: now,
          expires: now + 4_000,
        }),
      ),
    )
    const blockedRoot = await contentRoot(blocked)
    for (const [name, content] of [
      [revoked, await contentRoot(revoked)],
      [blocked, blockedRoot],
    ] as const)
      assert.ok(await put(name, await rootRecord(name, owner, { content, meta: LISTED })))
    await waitFor('three listings', async () => {
      const sites = await listed(relay)
      return [short, revoked, blocked].every((s) => sites.includes(s))
    })

    const revocation = await createRevocation({ name: revoked }, revoker)
    const res = await fetch(`${relay.http}/revoke`, {
      method: 'POST',
      body: revocation.bytes as Uint8Array<ArrayBuffer>,
    })
    assert.equal(res.status, 200)
    await waitFor('the revoked listing gone', async () => !(await listed(relay)).includes(revoked))

    await appendFile(`${dir}/relay/blocklist`, `${blockedRoot.toString()}\n`)
    await waitFor(
      'the blocked listing gone',
      async () => !(await listed(relay)).includes(blocked),
      20_000,
    )
    await waitFor('the expired listing gone', async () => !(await listed(relay)).includes(short))
  })

  it('holds at most its bound per owner key, per source and in total', async () => {
    // One source (this client's address block) offers 4 owners × 4 names; another source
    // offers 2 owners × 3 names. Bounds: 3 per owner, 6 per source, 8 in all.
    const other = await createClient({ relays: [relay.tcp], localAddress: '127.0.3.1' })
    try {
      const offer = async (from: Client, owners: number, each: number): Promise<string[][]> => {
        const names: string[][] = []
        for (let o = 0; o < owners; o++) {
          const owner = generateKeyPair()
          const ofOwner: string[] = []
          for (let i = 0; i < each; i++) {
            const name = uniqueName('bound')
            ofOwner.push(name)
            const value = await rootRecord(name, owner, {
              content: await contentRoot(name),
              meta: LISTED,
            })
            assert.ok(await putDirect(from, relay.peerId, await dhtKey(name), value))
          }
          names.push(ofOwner)
        }
        return names
      }
      const near = await offer(client, 4, 4)
      const far = await offer(other, 2, 3)
      const sites = await waitFor('the directory to fill up', async () => {
        const s = await listed(relay)
        return s.length >= 8 ? s : undefined
      })
      assert.equal(sites.length, 8, 'the total bound')
      const count = (names: string[]): number => names.filter((n) => sites.includes(n)).length
      for (const names of [...near, ...far])
        assert.ok(count(names) <= 3, `${count(names)} names of one owner listed`)
      const fromOther = count(far.flat())
      const fromThis = sites.length - fromOther
      assert.equal(fromThis, 6, 'this source holds exactly its bound (with the earlier marker)')
      assert.equal(fromOther, 2, 'the other source fills what the total leaves')
    } finally {
      await other.stop()
    }
  })
})
