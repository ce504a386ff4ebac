/**
 * The registrar behind the API: signs registrations of root names to holder keys with the
 * relay's registrar key (docs/PROTOCOL.md, "Registration"), remembers what it signed in the
 * relay's datastore, and signs revocations with the same key. Registering a name another key
 * holds (by this registrar or by a live record) is refused; a renewal keeps the holder and ends
 * later; a transfer names a new holder with a registration that ends later than any the name
 * has, which is what lets relays hand a live name over (PROTOCOL.md, "The name DHT", rule 5).
 * @module
 */
import { Key, type Datastore } from 'interface-datastore'
import { base32 } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import { equals, fromHex, toHex } from '@alternet/core/bytes'
import type { Ed25519KeyPair } from '@alternet/core/crypto/ed25519'
import { parseSiteName } from '@alternet/core/names'
import {
  createRegistration,
  createRevocation,
  decodeRecord,
  dhtKey,
  type Registration,
} from '@alternet/core/records'
import { DHT_RECORD_PREFIX, RELAY_STATE_PREFIX } from '../constants.ts'
import type { Permissions } from '../permissions.ts'
import type { GuardedDatastore, RecordPolicy } from '../record-store.ts'
import type { Revoker } from '../revoke.ts'
import { MAX_REGISTRATION_LIFETIME_MS } from './constants.ts'
import { ApiRequestError } from './errors.ts'

/** Datastore prefix of the registrations this relay's registrar signed, by root name. */
const REGISTRATION_PREFIX = `${RELAY_STATE_PREFIX}registration/`

/** A registration as the registrar keeps it. */
export interface RegistryEntry {
  name: string
  /** Holder key, hex. */
  owner: string
  expires: number
  issued: number
}

/** What the API answers for a signed registration. */
export interface IssuedRegistration extends RegistryEntry {
  /** The `registration` field to copy into the holder's records, in hex. */
  registration: { registrar: string; expires: number; sig: string }
}

/** What the registrar uses of the relay. */
export interface RegistrarInit {
  key: Ed25519KeyPair | undefined
  datastore: Datastore
  store: Pick<GuardedDatastore, 'peekRecord'>
  policy: Pick<RecordPolicy, 'isServable'>
  permissions: Permissions
  revoker: Pick<Revoker, 'apply'>
  /** Default length of a registration, ms. */
  lifetime: number
  now?: () => number
}

function ownerKey(hex: unknown): Uint8Array {
  if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/i.test(hex))
    throw new ApiRequestError(
      400,
      'bad-owner',
      'The owner must be a 32-byte Ed25519 public key in hex (64 characters).',
    )
  return fromHex(hex.toLowerCase())
}

/** The canonical root name of `input`; 400 `bad-name` otherwise. */
export function rootName(input: string): string {
  let parsed
  try {
    parsed = parseSiteName(input)
  } catch (err) {
    throw new ApiRequestError(400, 'bad-name', (err as Error).message)
  }
  if (parsed.subdomains.length > 0)
    throw new ApiRequestError(
      400,
      'bad-name',
      `Only root names are registered; ${parsed.site} is a subdomain.`,
    )
  return parsed.site
}

/** Signs and remembers registrations and revocations. */
export class Registrar {
  private readonly init: RegistrarInit
  private readonly now: () => number

  constructor(init: RegistrarInit) {
    this.init = init
    this.now = init.now ?? Date.now
  }

  /** The registrar's public key (hex) and whether this relay trusts it, or undefined without a key. */
  describe(): { registrar: string | null; trustedRegistrar: boolean; trustedRevoker: boolean } {
    const key = this.init.key?.publicKey
    const { permissions } = this.init
    return {
      registrar: key === undefined ? null : toHex(key),
      trustedRegistrar: key !== undefined && permissions.registrars.some((k) => equals(k, key)),
      trustedRevoker: key !== undefined && permissions.revokers.some((k) => equals(k, key)),
    }
  }

  /** The live registration this registrar signed for `name`, or 404 `not-registered`. */
  async entry(name: string): Promise<RegistryEntry> {
    const found = await this.read(rootName(name))
    if (found === undefined || found.expires <= this.now())
      throw new ApiRequestError(
        404,
        'not-registered',
        `This registrar has no live registration of ${name}.`,
      )
    return found
  }

  /** Registers a name nobody else holds to `owner`. */
  async register(name: string, owner: unknown, expires?: unknown): Promise<IssuedRegistration> {
    const site = rootName(name)
    const key = ownerKey(owner)
    const current = await this.live(site)
    if (current !== undefined && current.owner !== toHex(key))
      throw new ApiRequestError(
        409,
        'name-registered',
        `${site} is registered to another key until ${new Date(current.expires).toISOString()}; transfer it instead.`,
      )
    const held = await this.heldBy(site)
    if (held !== undefined && !equals(held.holder, key))
      throw new ApiRequestError(
        409,
        'name-held',
        `${site} is held by another key until ${new Date(held.expires).toISOString()}.`,
      )
    return this.issue(site, key, this.expiry(expires, this.now() + this.init.lifetime, 0))
  }

  /** Extends the registration of a name to the same holder. */
  async renew(name: string, expires?: unknown): Promise<IssuedRegistration> {
    const current = await this.entry(name)
    const fallback = Math.max(this.now(), current.expires) + this.init.lifetime
    return this.issue(
      current.name,
      fromHex(current.owner),
      this.expiry(expires, fallback, current.expires),
    )
  }

  /** Hands a registered name to a new holder key. */
  async transfer(name: string, owner: unknown, expires?: unknown): Promise<IssuedRegistration> {
    const current = await this.entry(name)
    const key = ownerKey(owner)
    if (toHex(key) === current.owner)
      throw new ApiRequestError(
        400,
        'same-owner',
        `${current.name} is already registered to that key.`,
      )
    const held = await this.heldBy(current.name)
    const floor = Math.max(current.expires, held?.registrationExpires ?? 0)
    return this.issue(
      current.name,
      key,
      this.expiry(expires, Math.max(this.now() + this.init.lifetime, floor + 1), floor),
    )
  }

  /** Signs a revocation of `name` (all of it, or the listed content roots) and applies it here. */
  async revoke(
    name: string,
    roots: unknown,
  ): Promise<{ name: string; roots: string[]; fresh: boolean; revocation: string }> {
    const key = this.signingKey()
    let site: string
    try {
      site = parseSiteName(name).site
    } catch (err) {
      throw new ApiRequestError(400, 'bad-name', (err as Error).message)
    }
    if (roots !== undefined && (!Array.isArray(roots) || roots.some((r) => typeof r !== 'string')))
      throw new ApiRequestError(400, 'bad-roots', 'roots must be a list of CIDs.')
    let cids: CID[]
    try {
      cids = ((roots as string[] | undefined) ?? []).map((r) => CID.parse(r))
    } catch {
      throw new ApiRequestError(400, 'bad-roots', 'roots must be a list of CIDs.')
    }
    if (!this.describe().trustedRevoker)
      throw new ApiRequestError(
        409,
        'not-a-revoker',
        "This relay does not trust its registrar key as a revoker: add the key (GET /api/v1/registrar) to the data dir's trusted-revokers file.",
      )
    const revocation = await createRevocation({ name: site, roots: cids }, key)
    const { fresh } = await this.init.revoker.apply(revocation.bytes)
    if (cids.length === 0) await this.init.datastore.delete(new Key(REGISTRATION_PREFIX + site))
    return {
      name: site,
      roots: cids.map(String),
      fresh: fresh === true,
      revocation: Buffer.from(revocation.bytes).toString('base64'),
    }
  }

  private signingKey(): Ed25519KeyPair {
    if (this.init.key === undefined)
      throw new ApiRequestError(
        503,
        'no-registrar-key',
        'This relay has no registrar key: start it with --registrar-key FILE.',
      )
    return this.init.key
  }

  private expiry(value: unknown, fallback: number, after: number): number {
    const expires = value ?? fallback
    if (typeof expires !== 'number' || !Number.isSafeInteger(expires))
      throw new ApiRequestError(400, 'bad-expires', 'expires must be a time in ms since the epoch.')
    if (expires <= Math.max(after, this.now()))
      throw new ApiRequestError(
        400,
        'bad-expires',
        `expires must be later than ${new Date(Math.max(after, this.now())).toISOString()}.`,
      )
    if (expires > this.now() + MAX_REGISTRATION_LIFETIME_MS)
      throw new ApiRequestError(
        400,
        'bad-expires',
        `A registration may run at most ${MAX_REGISTRATION_LIFETIME_MS / 86_400_000} days.`,
      )
    return expires
  }

  private async issue(
    name: string,
    owner: Uint8Array,
    expires: number,
  ): Promise<IssuedRegistration> {
    const registration: Registration = await createRegistration(
      { name, owner, expires },
      this.signingKey(),
    )
    const entry: RegistryEntry = { name, owner: toHex(owner), expires, issued: this.now() }
    await this.init.datastore.put(
      new Key(REGISTRATION_PREFIX + name),
      new TextEncoder().encode(JSON.stringify(entry)),
    )
    return {
      ...entry,
      registration: {
        registrar: toHex(registration.registrar),
        expires,
        sig: toHex(registration.sig),
      },
    }
  }

  private async read(name: string): Promise<RegistryEntry | undefined> {
    try {
      return JSON.parse(
        new TextDecoder().decode(
          await this.init.datastore.get(new Key(REGISTRATION_PREFIX + name)),
        ),
      ) as RegistryEntry
    } catch {
      return undefined
    }
  }

  private async live(name: string): Promise<RegistryEntry | undefined> {
    const found = await this.read(name)
    return found !== undefined && found.expires > this.now() ? found : undefined
  }

  /** The holder of the live record this relay stores for `name`, when any. */
  private async heldBy(
    name: string,
  ): Promise<{ holder: Uint8Array; expires: number; registrationExpires?: number } | undefined> {
    const key = await dhtKey(name)
    const value = await this.init.store.peekRecord(
      new Key(DHT_RECORD_PREFIX + base32.baseEncode(key), false),
    )
    if (value === undefined || !(await this.init.policy.isServable(key, value))) return undefined
    const { body, holder } = decodeRecord(value)
    return { holder, expires: body.expires, registrationExpires: body.registration?.expires }
  }
}
