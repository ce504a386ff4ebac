/**
 * Shared by the mirror bench and the mirror profile: waiting for R copies of a site, the raw
 * page→Node WebSocket ceiling, and the CPU time of the relays and of Chromium.
 * @module
 */
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Person } from '../test/e2e/peer-support/people.ts'
import type { TestNetwork, TestRelay } from '../test/e2e/peer-support/relays.ts'
import type { Visitor } from '../test/relay/support/site-publisher.ts'

/** How long to wait for the mirrors, or for R copies again. */
export const MIRRORS_MS = 240_000
/** The WebSocket ceiling's messages (the size a libp2p WebSocket stream moves well). */
const WS_MESSAGE_SIZE = 64 * 1024

/**
 * How often the watcher asks each relay how far its copy is: within a relay's question budget
 * per peer (`MIRROR_QUESTIONS_PER_MINUTE_PER_PEER`, 240 a minute). Asked faster, a relay resets
 * the questions and then closes the watcher's connections, and every relay looks unreachable.
 */
const POLL_MS = 300

/** The relay's own log lines about `site`, for a failure message. */
function logOf(relay: TestRelay, site: string): string {
  const lines = relay.process.stderr().split('\n')
  const about = lines.filter((l) => l.includes(site) || /upload|handed|not spread/.test(l))
  return `${relay.peerId}:\n${about.slice(-8).join('\n')}`
}

/** Polls the relays until `count` of them hold `site` completely; resolves with the time. */
export async function untilCopies(
  visitor: Visitor,
  network: TestNetwork,
  site: string,
  count: number,
  skip: ReadonlySet<string> = new Set(),
): Promise<number> {
  const started = performance.now()
  const deadline = Date.now() + MIRRORS_MS
  const relays = network.relays.filter((r) => !skip.has(r.peerId))
  for (;;) {
    // `status` dials the relay by its address when the watcher has no connection to it.
    const states = await Promise.all(
      relays.map((r) =>
        visitor.status(r.process, site).then(
          (s) => s.state,
          () => 'unreachable',
        ),
      ),
    )
    if (states.filter((s) => s === 'complete').length >= count) return performance.now() - started
    if (Date.now() > deadline)
      throw new Error(
        `copies of ${site}: ${states.join(', ')}\n${relays.map((r) => logOf(r, site)).join('\n')}`,
      )
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
}

/** RFC 6455's key suffix, for the handshake's `Sec-WebSocket-Accept`. */
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

/** One unmasked binary frame of `payload` (server to client), 64-bit length form. */
function binaryFrame(payload: Buffer): Buffer {
  const header = Buffer.alloc(10)
  header[0] = 0x82
  header[1] = 127
  header.writeBigUInt64BE(BigInt(payload.length), 2)
  return Buffer.concat([header, payload])
}

/**
 * The raw ceiling: a bare WebSocket server on Node's own HTTP server (the handshake and
 * unmasked binary frames, nothing else) sends `size` bytes to the page when the page speaks;
 * the page times them, `runs` times.
 */
export async function webSocketCeiling(
  page: Person['page'],
  size: number,
  runs: number,
): Promise<{ first: number; last: number }[]> {
  const frame = binaryFrame(Buffer.alloc(WS_MESSAGE_SIZE, 7))
  const server = createServer((_, res) => res.writeHead(426).end())
  server.on('upgrade', (req, socket) => {
    const accept = createHash('sha1')
      .update(String(req.headers['sec-websocket-key']) + WS_GUID)
      .digest('base64')
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    )
    // Any frame from the page means "go"; the socket is dropped after the bytes are sent.
    socket.once('data', () => {
      for (let sent = 0; sent < size; sent += WS_MESSAGE_SIZE) socket.write(frame)
      socket.end()
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    const out: { first: number; last: number }[] = []
    for (let i = 0; i < runs; i++)
      out.push(
        await page.evaluate(
          ({ url, size }) =>
            new Promise<{ first: number; last: number }>((resolve, reject) => {
              const ws = new WebSocket(url)
              ws.binaryType = 'arraybuffer'
              let t0 = 0
              let first = 0
              let got = 0
              ws.onopen = () => {
                t0 = performance.now()
                ws.send('go')
              }
              ws.onmessage = (event) => {
                if (got === 0) first = performance.now() - t0
                got += (event.data as ArrayBuffer).byteLength
                if (got >= size) {
                  resolve({ first, last: performance.now() - t0 })
                  ws.close()
                }
              }
              ws.onerror = () => reject(new Error('WebSocket failed'))
            }),
          { url, size },
        ),
      )
    return out
  } finally {
    server.closeAllConnections()
    server.close()
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100

/**
 * CPU seconds used so far by each process under this one, by kind: the relays, Chromium's
 * renderers, its network service and the rest of Chromium (from /proc, Linux only).
 */
export function cpuByKind(relayPids: ReadonlySet<number>): Map<string, number> {
  const parents = new Map<number, number>()
  const ticks = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    const pid = Number(name)
    if (!Number.isInteger(pid)) continue
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      parents.set(pid, Number(f[1]))
      ticks.set(pid, Number(f[11]) + Number(f[12]))
    } catch {
      // The process ended meanwhile.
    }
  }
  const under = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p))
      if (p === process.pid) return true
    return false
  }
  const out = new Map<string, number>()
  for (const [pid, t] of ticks) {
    if (!under(pid)) continue
    let kind = 'other'
    if (relayPids.has(pid)) kind = 'relays'
    else {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      if (cmd.includes('--type=renderer')) kind = 'chromium renderers'
      else if (cmd.includes('NetworkService')) kind = 'chromium network service'
      else if (cmd.includes('chrom')) kind = 'chromium, other'
    }
    out.set(kind, (out.get(kind) ?? 0) + t / TICKS_PER_S)
  }
  return out
}

/**
 * The relays' counters of blocks served, summed over `relays`: over HTTP by result, CAR answers
 * begun and cut short, and blocks served in all (HTTP and libp2p), from each relay's `/metrics`.
 */
export async function servedCounts(relays: readonly TestRelay[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  const texts = await Promise.all(
    relays.map((r) => fetch(`${r.http}/metrics`).then((res) => (res.ok ? res.text() : ''))),
  )
  for (const line of texts.join('\n').split('\n')) {
    const m = /^alternet_relay_mirror_(http_\w+|blocks_served_total)(\{[^}]*\})? (\d+)/.exec(line)
    if (m === null) continue
    const key = `${m[1]}${m[2] ?? ''}`
    counts.set(key, (counts.get(key) ?? 0) + Number(m[3]))
  }
  return counts
}

/** What `after` counts beyond `before`, as `name=n` words (nonzero only). */
export function countsSince(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([k, n]) => [k, n - (before.get(k) ?? 0)] as const)
    .filter(([, n]) => n !== 0)
    .map(([k, n]) => `${k.replace(/^http_|_total|"|result=/g, '')}=${n}`)
    .join(' ')
}
