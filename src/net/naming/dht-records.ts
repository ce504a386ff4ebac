/**
 * Records in and out of kad-dht: a put that counts the servers that stored the value, and a
 * lookup that keeps every value any server answered with (kad-dht's `get` yields only its own
 * pick; the naming service picks itself, pins first).
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { equals } from '../../core/bytes.ts'
import type { Candidate } from './candidates.ts'
import { LookupTimeoutError } from './errors.ts'

/** Options of the DHT calls. */
export interface DhtCallOptions {
  /** The caller's signal: its abort rejects with its reason. */
  signal?: AbortSignal
  /** How long the call may take; what came in by then is the answer. */
  timeoutMs: number
}

function combined(options: DhtCallOptions): { signal: AbortSignal; timeout: AbortSignal } {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  return {
    signal: options.signal == null ? timeout : AbortSignal.any([options.signal, timeout]),
    timeout,
  }
}

/** Puts `value` under `key`; resolves to how many servers stored it, and why others did not. */
export async function putRecord(
  dht: KadDHT,
  key: Uint8Array,
  value: Uint8Array,
  options: DhtCallOptions,
): Promise<{ accepted: number; errors: Error[] }> {
  const accepted = new Set<string>()
  const errors: Error[] = []
  const { signal, timeout } = combined(options)
  try {
    for await (const event of dht.put(key, value, { signal })) {
      if (
        event.name === 'PEER_RESPONSE' &&
        event.messageName === 'PUT_VALUE' &&
        event.record != null &&
        equals(event.record.value, value)
      ) {
        accepted.add(event.from.toString())
      } else if (event.name === 'QUERY_ERROR') {
        errors.push(event.error)
      }
    }
  } catch (err) {
    options.signal?.throwIfAborted()
    // a put that ends early (a timeout) still counts the servers that stored it
    errors.push(
      timeout.aborted ? new LookupTimeoutError('the DHT did not answer in time') : (err as Error),
    )
  }
  return { accepted: accepted.size, errors }
}

/** Options of `getCandidates`. */
export interface GetCandidatesOptions extends DhtCallOptions {
  /**
   * The address block a peer answers from (`connectionBlock` of its connections), read as its
   * answer arrives; without it each server is its own block.
   */
  blockOf?: (peer: PeerId) => string
}

/**
 * Every distinct value servers returned for `key` (and this node's own copy, when kad-dht has
 * one), each with the distinct peers that returned it and, given `blockOf`, their address
 * blocks. Values kad-dht's validator refused are not among them. Resolves to `[]` when servers
 * answered without one; rejects with `LookupTimeoutError` when the time ran out with nothing
 * found, or when no server answered at all (each failed or refused the question): "nobody
 * holds the name" would be a guess then, and a publish must not choose its seq from it.
 */
export async function getCandidates(
  dht: KadDHT,
  key: Uint8Array,
  options: GetCandidatesOptions,
): Promise<Candidate[]> {
  const found: Array<{ bytes: Uint8Array; servers: Map<string, string> }> = []
  const add = (value: Uint8Array, from: PeerId | undefined): void => {
    let entry = found.find((v) => equals(v.bytes, value))
    if (entry === undefined) {
      entry = { bytes: value, servers: new Map() }
      found.push(entry)
    }
    if (from != null && !entry.servers.has(from.toString()))
      entry.servers.set(from.toString(), options.blockOf?.(from) ?? from.toString())
  }
  // Servers that answered at all (with a value or without): a query none answered knows nothing.
  const answered = new Set<string>()
  const done = (): Candidate[] => {
    if (found.length === 0 && answered.size === 0)
      throw new LookupTimeoutError('no DHT server answered the lookup', { unanswered: true })
    return found.map(({ bytes, servers }) => ({
      bytes,
      servers: [...servers.keys()],
      ...(options.blockOf === undefined ? {} : { blocks: [...servers.values()] }),
    }))
  }
  const { signal, timeout } = combined(options)
  try {
    for await (const event of dht.get(key, { signal })) {
      if (event.name === 'PEER_RESPONSE') {
        answered.add(event.from.toString())
        if (event.record != null) add(event.record.value, event.from)
      } else if (event.name === 'VALUE') add(event.value, event.from)
      // kad-dht turns an answer whose record its validator refused into a QueryError: answered.
      else if (event.name === 'QUERY_ERROR' && event.error.name === 'QueryError')
        answered.add(event.from.toString())
    }
  } catch (err) {
    options.signal?.throwIfAborted()
    if (found.length > 0) return done()
    if (timeout.aborted)
      throw new LookupTimeoutError('the DHT did not answer in time', { cause: err })
    // NotFoundError, or a correction a server refused (kad-dht throws after the values came in)
    if ((err as Error).name !== 'NotFoundError' && (err as Error).name !== 'QueryError') throw err
  }
  return done()
}

/** Every distinct value servers returned for `key` (see `getCandidates`), without who sent it. */
export async function getRecords(
  dht: KadDHT,
  key: Uint8Array,
  options: DhtCallOptions,
): Promise<Uint8Array[]> {
  return (await getCandidates(dht, key, options)).map((c) => c.bytes)
}
