/**
 * What the site bench runs inside its pages, each function self-contained (Playwright sends
 * its source): a site's own `fetch` timed in the site frame, the app's local read of the same
 * blocks from its IndexedDB, and a bare RTCDataChannel between the two app pages (the ceiling),
 * signalled through Node.
 * @module
 */

/** One timed read of a body: ms from the call to the first and the last byte. */
export interface TimedRead {
  status: number
  bytes: number
  firstByteMs: number
  lastByteMs: number
  /** SHA-256 of the body, hex (computed after the clock stopped). */
  sha256: string
  /** Reads that gave bytes. */
  reads?: number
  /** Longest wait for one read after the first byte, ms. */
  longestGapMs?: number
  /** Whether the site worker answered from its kept copy (`x-an-kept-copy`, sw/site-cache.ts). */
  kept?: boolean
}

/** In the site frame: fetches `path` with the page's own `fetch` and reads the whole body. */
export async function frameFetch(path: string): Promise<TimedRead> {
  const start = performance.now()
  const response = await fetch(path, { cache: 'no-store' })
  const reader = response.body!.getReader()
  const parts: Uint8Array[] = []
  let bytes = 0
  let firstByteMs = 0
  let longestGapMs = 0
  let last = start
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    const now = performance.now()
    if (bytes === 0) firstByteMs = now - start
    else longestGapMs = Math.max(longestGapMs, now - last)
    last = now
    parts.push(value)
    bytes += value.length
  }
  const lastByteMs = performance.now() - start
  const whole = new Uint8Array(bytes)
  let offset = 0
  for (const part of parts) {
    whole.set(part, offset)
    offset += part.length
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', whole))
  const sha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
  return {
    status: response.status,
    bytes,
    firstByteMs,
    lastByteMs,
    sha256,
    reads: parts.length,
    longestGapMs,
    kept: response.headers.has('x-an-kept-copy'),
  }
}

/** In the app page: bytes of blocks the app's store holds (its own running count). */
export async function storedBlockBytes(): Promise<number> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('alternet')
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
  try {
    const usage = await new Promise<unknown>((resolve, reject) => {
      const get = db.transaction('meta').objectStore('meta').get('blockUsage')
      get.onsuccess = () => resolve(get.result)
      get.onerror = () => reject(get.error)
    })
    return (usage as { bytes?: number } | undefined)?.bytes ?? 0
  } finally {
    db.close()
  }
}

/**
 * In the app page: the app's own local read of a file's blocks, the ceiling of a repeat visit:
 * every block by CID from its IndexedDB in one transaction, each hashed (SHA-256) as a read
 * that verifies must. Resolves to ms and bytes.
 */
export async function localRead(cids: string[]): Promise<{ ms: number; bytes: number }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('alternet')
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
  try {
    const start = performance.now()
    const store = db.transaction('blocks').objectStore('blocks')
    const blocks = await Promise.all(
      cids.map(
        (cid) =>
          new Promise<Uint8Array>((resolve, reject) => {
            const get = store.get(cid)
            get.onsuccess = () =>
              get.result instanceof Uint8Array
                ? resolve(get.result)
                : reject(new Error(`block ${cid} is not in the store`))
            get.onerror = () => reject(get.error)
          }),
      ),
    )
    let bytes = 0
    for (const block of blocks) {
      await crypto.subtle.digest('SHA-256', block as Uint8Array<ArrayBuffer>)
      bytes += block.length
    }
    return { ms: performance.now() - start, bytes }
  } finally {
    db.close()
  }
}

/** The bare channel's calls, as the driver makes them (`window.benchRaw`). */
export interface BenchRaw {
  expect(size: number): void
  received(): Promise<number>
  send(size: number, messageSize: number): Promise<number>
  close(): void
}

/** In an app page: installs `window.benchRaw`, a bare data channel the driver signals. */
export function installRawChannel(): void {
  const w = window as unknown as { benchRaw?: unknown }
  if (w.benchRaw !== undefined) return
  let pc: RTCPeerConnection | undefined
  let channel: RTCDataChannel | undefined
  let opened: Promise<void> | undefined
  const candidates: RTCIceCandidateInit[] = []
  let receiving: Promise<number> | undefined
  const now = (): number => performance.timeOrigin + performance.now()
  const open = (): RTCPeerConnection => {
    pc?.close()
    candidates.length = 0
    pc = new RTCPeerConnection({ iceServers: [] })
    pc.onicecandidate = (e) => {
      if (e.candidate !== null) candidates.push(e.candidate.toJSON())
    }
    return pc
  }
  const watch = (dc: RTCDataChannel): void => {
    channel = dc
    dc.binaryType = 'arraybuffer'
    opened = new Promise((resolve) => (dc.onopen = () => resolve()))
    if (dc.readyState === 'open') opened = Promise.resolve()
  }
  w.benchRaw = {
    async offer() {
      const conn = open()
      watch(conn.createDataChannel('bench', { ordered: true }))
      await conn.setLocalDescription(await conn.createOffer())
      return conn.localDescription!.toJSON()
    },
    async answer(offer: RTCSessionDescriptionInit) {
      const conn = open()
      conn.ondatachannel = (e) => watch(e.channel)
      await conn.setRemoteDescription(offer)
      await conn.setLocalDescription(await conn.createAnswer())
      return conn.localDescription!.toJSON()
    },
    accept: (answer: RTCSessionDescriptionInit) => pc!.setRemoteDescription(answer),
    candidates: () => candidates.splice(0),
    async addCandidates(list: RTCIceCandidateInit[]) {
      for (const c of list) await pc!.addIceCandidate(c)
    },
    async isOpen(ms: number) {
      const deadline = Date.now() + ms
      while (opened === undefined && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10))
      if (opened === undefined) return false
      return Promise.race([
        opened.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), Math.max(0, deadline - Date.now()))),
      ])
    },
    expect(size: number) {
      const dc = channel!
      receiving = new Promise((resolve) => {
        let bytes = 0
        dc.onmessage = (e) => {
          bytes += (e.data as ArrayBuffer).byteLength
          if (bytes >= size) resolve(now())
        }
      })
    },
    received: () => receiving!,
    async send(size: number, messageSize: number) {
      const dc = channel!
      const bytes = new Uint8Array(size)
      for (let o = 0; o < size; o += 65536)
        crypto.getRandomValues(bytes.subarray(o, Math.min(size, o + 65536)))
      dc.bufferedAmountLowThreshold = 1024 * 1024
      const startAt = now()
      for (let offset = 0; offset < size; offset += messageSize) {
        if (dc.bufferedAmount > 4 * 1024 * 1024)
          await new Promise<void>((resolve) =>
            dc.addEventListener('bufferedamountlow', () => resolve(), { once: true }),
          )
        dc.send(bytes.subarray(offset, Math.min(size, offset + messageSize)))
      }
      return startAt
    },
    close() {
      pc?.close()
      pc = undefined
      channel = undefined
      opened = undefined
    },
  }
}
