/**
 * Permissioned naming and takedown, as AltNet has them: the data dir's `trusted-registrars`,
 * `trusted-revokers` (hex Ed25519 public keys) and `blocklist` (content-root CIDs), one entry a
 * line, `#` starts a comment. Empty or missing files mean an open network. Revocations signed
 * by a trusted revoker are kept in the datastore and applied again at every start.
 * @module
 */
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Key, type Datastore } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { fromHex, toHex } from '@alternet/core/bytes'
import { parseSiteName, rootSiteName } from '@alternet/core/names'
import { verifyRevocation, type SignedRevocation } from '@alternet/core/records'
import {
  BLOCKLIST_FILE,
  RELAY_STATE_PREFIX,
  TRUSTED_REGISTRARS_FILE,
  TRUSTED_REVOKERS_FILE,
} from './constants.ts'
import { ConfigError, RevocationRefusedError } from './errors.ts'
import type { Logger } from './log.ts'

/** Datastore prefix of accepted revocations, keyed by the SHA-256 of their bytes. */
const REVOCATION_PREFIX = `${RELAY_STATE_PREFIX}revocation/`
/** Datastore prefix of content roots blocked because a revoked name's record pointed at them. */
const BLOCKED_ROOT_PREFIX = `${RELAY_STATE_PREFIX}blocked-root/`
/** Length of an Ed25519 public key in hex. */
const KEY_HEX_LENGTH = 64

/** The lines of a trust file that carry a value: comments and blank lines dropped. */
export function trustFileLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '')
}

async function readLines(path: string): Promise<string[] | undefined> {
  try {
    return trustFileLines(await readFile(path, 'utf8'))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw new ConfigError(`cannot read ${path}: ${code ?? String(err)}`)
  }
}

function parseKeys(lines: string[], path: string): Uint8Array[] {
  return lines.map((line, i) => {
    if (line.length !== KEY_HEX_LENGTH || !/^[0-9a-f]+$/i.test(line)) {
      throw new ConfigError(
        `${path}: entry ${i + 1} is not a 32-byte Ed25519 public key in hex: ${line}`,
      )
    }
    return fromHex(line)
  })
}

function parseCids(lines: string[], path: string): CID[] {
  return lines.map((line, i) => {
    try {
      return CID.parse(line)
    } catch {
      throw new ConfigError(`${path}: entry ${i + 1} is not a CID: ${line}`)
    }
  })
}

/** The result of applying a revocation. */
export interface AppliedRevocation {
  revocation: SignedRevocation
  /** False when this relay already had it (so it is not propagated again). */
  fresh: boolean
}

/** Trust settings and takedowns of one relay. */
export class Permissions {
  /** Registrar keys; non-empty makes the network permissioned. */
  registrars: Uint8Array[] = []
  /** Keys whose revocations this relay honours. */
  revokers: Uint8Array[] = []
  private readonly dataDir: string
  private readonly datastore: Datastore
  private readonly log: Logger
  /** Blocked content roots from the blocklist file, by multihash hex. */
  private fileBlocked = new Set<string>()
  /** Content roots blocked by revocations, by multihash hex. */
  private readonly revokedRoots = new Set<string>()
  /** Names revoked as a whole (canonical site names). */
  private readonly revokedNames = new Set<string>()
  private readonly seen = new Set<string>()
  /** The revocation served for each revoked name (see `revocationFor`). */
  private readonly byName = new Map<string, SignedRevocation>()
  private mtimes = ''

  constructor(dataDir: string, datastore: Datastore, log: Logger) {
    this.dataDir = dataDir
    this.datastore = datastore
    this.log = log
  }

  /** Reads the trust files (throws `ConfigError` for a bad entry) and re-applies stored revocations. */
  async load(): Promise<void> {
    await this.reloadFiles()
    for await (const { key, value } of this.datastore.query({ prefix: REVOCATION_PREFIX })) {
      try {
        this.remember(await verifyRevocation(value, { trustedRevokers: this.revokers }))
      } catch (err) {
        // Its revoker is no longer trusted (or the bytes are damaged): the takedown lapses.
        this.log.info('dropping a stored revocation', { reason: (err as Error).name })
        await this.datastore.delete(key)
      }
    }
    for await (const key of this.datastore.queryKeys({ prefix: BLOCKED_ROOT_PREFIX })) {
      this.revokedRoots.add(key.toString().slice(BLOCKED_ROOT_PREFIX.length))
    }
  }

  /** Reads the three files again when any of them changed; returns whether they did. */
  async reloadFiles(): Promise<boolean> {
    const paths = [TRUSTED_REGISTRARS_FILE, TRUSTED_REVOKERS_FILE, BLOCKLIST_FILE].map((f) =>
      join(this.dataDir, f),
    )
    const mtimes = (
      await Promise.all(
        paths.map(async (p) => (await stat(p).catch(() => undefined))?.mtimeMs ?? 0),
      )
    ).join(',')
    if (mtimes === this.mtimes) return false
    const [registrars, revokers, blocklist] = await Promise.all(paths.map(readLines))
    this.registrars = parseKeys(registrars ?? [], paths[0])
    this.revokers = parseKeys(revokers ?? [], paths[1])
    this.fileBlocked = new Set(
      parseCids(blocklist ?? [], paths[2]).map((cid) => toHex(cid.multihash.bytes)),
    )
    this.mtimes = mtimes
    this.log.info('trust files read', {
      registrars: this.registrars.length,
      revokers: this.revokers.length,
      blocked: this.fileBlocked.size,
    })
    return true
  }

  /** Whether the network is permissioned (registrars configured). */
  get permissioned(): boolean {
    return this.registrars.length > 0
  }

  /** Whether content with this multihash (bytes) is blocked here. */
  isBlockedMultihash(multihash: Uint8Array): boolean {
    const hex = toHex(multihash)
    return this.fileBlocked.has(hex) || this.revokedRoots.has(hex)
  }

  /** Whether this content root is blocked here. */
  isBlockedRoot(cid: CID): boolean {
    return this.isBlockedMultihash(cid.multihash.bytes)
  }

  /** Whether a site (or the root it belongs to) has been revoked as a whole. */
  isRevokedName(site: string): boolean {
    return this.revokedNames.has(site) || this.revokedNames.has(rootSiteName(site))
  }

  /**
   * The envelope bytes of the revocation this relay holds for a site name, or else for its root
   * name; undefined when none (or not a site name). Of several for one name: one that revokes
   * the name as a whole over one that names content roots, then the latest issued.
   */
  revocationFor(site: string): Uint8Array | undefined {
    let canonical: string
    try {
      canonical = parseSiteName(site).site
    } catch {
      return undefined
    }
    return (this.byName.get(canonical) ?? this.byName.get(rootSiteName(canonical)))?.bytes
  }

  /** Counts for health and metrics. */
  stats(): { registrars: number; revokers: number; blockedRoots: number; revokedNames: number } {
    return {
      registrars: this.registrars.length,
      revokers: this.revokers.length,
      blockedRoots: this.fileBlocked.size + this.revokedRoots.size,
      revokedNames: this.revokedNames.size,
    }
  }

  /**
   * Verifies a revocation against the trusted revokers and records it (persisted). Throws
   * `RevocationRefusedError` naming the failed check.
   */
  async accept(bytes: Uint8Array): Promise<AppliedRevocation> {
    let revocation: SignedRevocation
    try {
      revocation = await verifyRevocation(bytes, { trustedRevokers: this.revokers })
    } catch (err) {
      throw new RevocationRefusedError(`${(err as Error).name}: ${(err as Error).message}`)
    }
    const id = createHash('sha256').update(bytes).digest('hex')
    if (this.seen.has(id)) return { revocation, fresh: false }
    await this.datastore.put(new Key(REVOCATION_PREFIX + id), bytes)
    this.remember(revocation, id)
    return { revocation, fresh: true }
  }

  /** The envelope bytes of every revocation this relay holds (to hand to a peer that joins). */
  async revocations(): Promise<Uint8Array[]> {
    const out: Uint8Array[] = []
    for await (const { value } of this.datastore.query({ prefix: REVOCATION_PREFIX }))
      out.push(value)
    return out
  }

  /** Blocks the content root a revoked name's stored record pointed at (persisted). */
  async blockRoot(cid: CID): Promise<void> {
    const hex = toHex(cid.multihash.bytes)
    this.revokedRoots.add(hex)
    await this.datastore.put(new Key(BLOCKED_ROOT_PREFIX + hex), new Uint8Array(0))
  }

  private remember(
    revocation: SignedRevocation,
    id = createHash('sha256').update(revocation.bytes).digest('hex'),
  ): void {
    this.seen.add(id)
    const held = this.byName.get(revocation.body.name)
    const rank = (r: SignedRevocation): [number, number] => [
      r.body.roots.length === 0 ? 1 : 0,
      r.body.issued,
    ]
    if (
      held === undefined ||
      rank(revocation)[0] > rank(held)[0] ||
      (rank(revocation)[0] === rank(held)[0] && rank(revocation)[1] > rank(held)[1])
    ) {
      this.byName.set(revocation.body.name, revocation)
    }
    if (revocation.body.roots.length === 0) this.revokedNames.add(revocation.body.name)
    for (const root of revocation.body.roots) this.revokedRoots.add(toHex(root.multihash.bytes))
  }
}
