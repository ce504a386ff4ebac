/**
 * Delegations (a root key lets another key sign its subdomain records) and registrations (a
 * registrar vouches that a root name belongs to a holder key).
 * @module
 */
import { signWith, verify } from '../crypto/ed25519.ts'
import type { Ed25519SigningKeyPair } from '../crypto/ed25519.ts'
import { domainSeparated, encodeCbor } from './codec.ts'
import {
  DELEGATION_SIGNING_DOMAIN,
  MAX_DELEGATION_LIFETIME_MS,
  REGISTRATION_SIGNING_DOMAIN,
} from './constants.ts'
import { MalformedRecordError } from './errors.ts'
import { publicKey, uint } from './fields.ts'
import { canonicalSite } from './record-body.ts'
import type { Delegation, Registration } from './record-body.ts'

function rootName(name: string, what: string): string {
  const { site, isSubdomain } = canonicalSite(name, `${what} name`)
  if (isSubdomain) throw new MalformedRecordError(`a ${what} names a root site, not "${site}"`)
  return site
}

/** The bytes a delegation signature covers: `an-delegation-v1`, 0x00, DAG-CBOR `{ name, delegate, expires }`. */
export function delegationSigningBytes(
  name: string,
  delegate: Uint8Array,
  expires: number,
): Uint8Array {
  return domainSeparated(DELEGATION_SIGNING_DOMAIN, encodeCbor({ name, delegate, expires }))
}

/** The bytes a registration signature covers: `an-registration-v1`, 0x00, DAG-CBOR `{ name, owner, expires }`. */
export function registrationSigningBytes(
  name: string,
  owner: Uint8Array,
  expires: number,
): Uint8Array {
  return domainSeparated(REGISTRATION_SIGNING_DOMAIN, encodeCbor({ name, owner, expires }))
}

/** What a root key signs to let `delegate` sign records under `name` until `expires`. */
export interface DelegationInit {
  /** Canonical root site name, e.g. `mysite:code`. */
  name: string
  /** The delegate's 32-byte public key. */
  delegate: Uint8Array
  /** End of the permission, ms since the epoch. */
  expires: number
}

/**
 * Signs a delegation with the root key; put it in a subdomain record's `root.delegation`.
 * Throws `MalformedRecordError` when `expires` lies more than `MAX_DELEGATION_LIFETIME_MS` ahead.
 */
export async function createDelegation(
  init: DelegationInit,
  rootKeyPair: Ed25519SigningKeyPair,
): Promise<Delegation> {
  const name = rootName(init.name, 'delegation')
  const key = publicKey(init.delegate, 'delegate')
  const expires = uint(init.expires, 'delegation expires')
  if (expires > Date.now() + MAX_DELEGATION_LIFETIME_MS)
    throw new MalformedRecordError(
      `a delegation may run at most ${MAX_DELEGATION_LIFETIME_MS / 86_400_000} days from now`,
    )
  const sig = await signWith(rootKeyPair, delegationSigningBytes(name, key, expires))
  return { key, expires, sig }
}

/** Whether `delegation` is a valid signature by `rootOwner` for `name` (ignores the clock). */
export async function verifyDelegation(
  name: string,
  rootOwner: Uint8Array,
  delegation: Delegation,
): Promise<boolean> {
  return verify(
    rootOwner,
    delegationSigningBytes(name, delegation.key, delegation.expires),
    delegation.sig,
  )
}

/** What a registrar signs to register root `name` to holder key `owner` until `expires`. */
export interface RegistrationInit {
  /** Canonical root site name. */
  name: string
  /** The holder's 32-byte public key. */
  owner: Uint8Array
  /** End of the registration, ms since the epoch. */
  expires: number
}

/** Signs a registration with a registrar's key; put it in the holder's records' `registration`. */
export async function createRegistration(
  init: RegistrationInit,
  registrarKeyPair: Ed25519SigningKeyPair,
): Promise<Registration> {
  const name = rootName(init.name, 'registration')
  const owner = publicKey(init.owner, 'registration owner')
  const expires = uint(init.expires, 'registration expires')
  const sig = await signWith(registrarKeyPair, registrationSigningBytes(name, owner, expires))
  return { registrar: registrarKeyPair.publicKey, expires, sig }
}

/** Whether `registration` is a valid signature by its registrar for root `name` and `holder` (ignores the clock). */
export async function verifyRegistration(
  name: string,
  holder: Uint8Array,
  registration: Registration,
): Promise<boolean> {
  return verify(
    registration.registrar,
    registrationSigningBytes(name, holder, registration.expires),
    registration.sig,
  )
}
