/**
 * A bare RTCDataChannel between two pages of one browser, signalled by the driver (offer,
 * answer and ICE candidates passed through Node), no STUN: the ceiling the peer's transfers
 * are measured against.
 * @module
 */
import { deterministicBytes } from './site-spec.ts'

/** Bytes per message by default; Chromium takes up to 256 KiB, 64 KiB keeps the queue smooth. */
const MESSAGE_SIZE = 64 * 1024
/** Refill the send queue when it falls below this. */
const LOW_WATER = 1024 * 1024
/** Stop filling it above this. */
const HIGH_WATER = 4 * 1024 * 1024

let pc: RTCPeerConnection | undefined
let channel: RTCDataChannel | undefined
let opened: Promise<void> | undefined
const candidates: RTCIceCandidateInit[] = []
let receiving: Promise<{ firstAt: number; lastAt: number; bytes: number }> | undefined

/** Wall-clock ms, comparable between pages of one machine. */
const now = (): number => performance.timeOrigin + performance.now()

function open(): RTCPeerConnection {
  pc?.close()
  candidates.length = 0
  pc = new RTCPeerConnection({ iceServers: [] })
  pc.onicecandidate = (e) => {
    if (e.candidate !== null) candidates.push(e.candidate.toJSON())
  }
  return pc
}

function watch(dc: RTCDataChannel): void {
  channel = dc
  dc.binaryType = 'arraybuffer'
  opened = new Promise((resolve, reject) => {
    dc.onopen = () => resolve()
    dc.onerror = () => reject(new Error('data channel error'))
  })
}

export const rawChannel = {
  /** The sending side: creates the channel and the offer. */
  async offer(): Promise<RTCSessionDescriptionInit> {
    const conn = open()
    watch(conn.createDataChannel('bench', { ordered: true }))
    await conn.setLocalDescription(await conn.createOffer())
    return conn.localDescription!.toJSON()
  },
  /** The receiving side: takes the offer, gives the answer. */
  async answer(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> {
    const conn = open()
    const got = new Promise<RTCDataChannel>(
      (resolve) => (conn.ondatachannel = (e) => resolve(e.channel)),
    )
    await conn.setRemoteDescription(offer)
    await conn.setLocalDescription(await conn.createAnswer())
    void got.then(watch)
    return conn.localDescription!.toJSON()
  },
  async accept(answer: RTCSessionDescriptionInit): Promise<void> {
    await pc!.setRemoteDescription(answer)
  },
  /** ICE candidates gathered since the last call. */
  candidates(): RTCIceCandidateInit[] {
    return candidates.splice(0)
  },
  async addCandidates(list: RTCIceCandidateInit[]): Promise<void> {
    for (const c of list) await pc!.addIceCandidate(c)
  },
  /** Resolves once the channel is open (on the receiving side, once it arrived). */
  async waitOpen(ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms
    while (opened === undefined) {
      if (Date.now() > deadline) throw new Error('no data channel arrived')
      await new Promise((r) => setTimeout(r, 20))
    }
    await Promise.race([
      opened,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the data channel did not open')), ms),
      ),
    ])
  },
  /** Arms the receiver for `size` bytes. */
  expect(size: number): void {
    const dc = channel!
    receiving = new Promise((resolve) => {
      let bytes = 0
      let firstAt = 0
      dc.onmessage = (e) => {
        if (bytes === 0) firstAt = now()
        bytes += (e.data as ArrayBuffer).byteLength
        if (bytes >= size) resolve({ firstAt, lastAt: now(), bytes })
      }
    })
  },
  /** Resolves when the armed receive is complete. */
  received(): Promise<{ firstAt: number; lastAt: number; bytes: number }> {
    return receiving!
  },
  /** Sends `size` deterministic bytes in `messageSize` messages with backpressure; resolves with the start time. */
  async send(size: number, seed = 1, messageSize = MESSAGE_SIZE): Promise<number> {
    const dc = channel!
    const bytes = deterministicBytes(size, seed)
    dc.bufferedAmountLowThreshold = LOW_WATER
    const startAt = now()
    for (let offset = 0; offset < size; offset += messageSize) {
      if (dc.bufferedAmount > HIGH_WATER) {
        await new Promise<void>((resolve) =>
          dc.addEventListener('bufferedamountlow', () => resolve(), { once: true }),
        )
      }
      dc.send(
        bytes.subarray(offset, Math.min(size, offset + messageSize)) as Uint8Array<ArrayBuffer>,
      )
    }
    return startAt
  },
  close(): void {
    pc?.close()
    pc = undefined
    channel = undefined
    opened = undefined
  },
}
