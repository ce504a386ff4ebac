/**
 * Asking one connected relay for a name's record at once: one kad-dht `GET_VALUE` on a new
 * stream of the open connection, beside kad-dht's own look-up. kad-dht holds every query of a
 * fresh node until its first self-query ran, and walks its routing table before it answers;
 * the relay a page is connected to answers in one round trip. The value is the relay's word
 * only: the resolver validates it like any other (docs/PROTOCOL.md, "The name DHT").
 * @module
 */
import type { Connection, Stream } from '@libp2p/interface'
import { Record } from '@libp2p/kad-dht'
import { lpStream } from '@libp2p/utils'
import { MAX_RECORD_SIZE } from '../../core/records/index.ts'
import { DHT_PROTOCOL } from '../node/constants.ts'
import { lengthPrefixed } from '../route/codec.ts'

/** Largest answer read: one record and its kad-dht envelope, with room for closer peers. */
const MAX_ANSWER_BYTES = MAX_RECORD_SIZE + 16 * 1024

/** kad-dht's `Message`: `type` is field 1 (`GET_VALUE` = 1), `key` field 2, `record` field 3. */
const GET_VALUE_HEAD = Uint8Array.of(0x08, 0x01, 0x12)
const RECORD_FIELD = 3

/** A `GET_VALUE` message for `key`. */
export function encodeGetValue(key: Uint8Array): Uint8Array {
  const field = lengthPrefixed(key)
  const out = new Uint8Array(GET_VALUE_HEAD.length + field.length)
  out.set(GET_VALUE_HEAD)
  out.set(field, GET_VALUE_HEAD.length)
  return out
}

/** The serialized record of a kad-dht answer (its field 3), or undefined when it holds none. */
export function answerRecord(message: Uint8Array): Uint8Array | undefined {
  let at = 0
  const varint = (): number => {
    let value = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (at >= message.length) throw new Error('truncated answer')
      const byte = message[at++]
      value += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) return value
    }
    throw new Error('varint too long')
  }
  while (at < message.length) {
    const tag = varint()
    const wire = tag & 7
    if (wire === 0) varint()
    else if (wire === 1) at += 8
    else if (wire === 5) at += 4
    else if (wire === 2) {
      const length = varint()
      if (at + length > message.length) throw new Error('truncated answer')
      if (tag >>> 3 === RECORD_FIELD) return message.subarray(at, at + length)
      at += length
    } else throw new Error(`unknown wire type ${wire}`)
  }
  return undefined
}

/**
 * The value `connection`'s peer holds under `key`, or undefined when it holds none. The stream is
 * opened (its protocol negotiated) while `key` is still being computed. Rejects when the stream
 * fails or `signal` aborts.
 */
export async function askRelayForRecord(
  connection: Connection,
  key: Uint8Array | Promise<Uint8Array>,
  signal: AbortSignal,
): Promise<Uint8Array | undefined> {
  const opening = connection.newStream(DHT_PROTOCOL, { signal })
  let stream: Stream
  let value: Uint8Array
  try {
    ;[stream, value] = await Promise.all([opening, key])
  } catch (err) {
    // The key failed: the stream opened for it is not used.
    void opening.then((s) => s.abort(toError(err))).catch(() => undefined)
    throw err
  }
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_ANSWER_BYTES })
    await lp.write(encodeGetValue(value), { signal })
    const answer = (await lp.read({ signal })).subarray()
    await stream.close({ signal }).catch(() => undefined)
    const record = answerRecord(answer)
    return record === undefined ? undefined : Record.deserialize(record).value
  } catch (err) {
    stream.abort(toError(err))
    throw err
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}
