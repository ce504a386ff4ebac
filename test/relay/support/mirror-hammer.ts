/**
 * A hostile peer for the mirror limits spec, in its own process so that its loop does not
 * slow the test's honest peers: it opens `connections` connections to a relay (from
 * `localAddress`) and keeps `streams` status questions in flight on each, asking again at once
 * whenever one is answered, refused or timed out, and dialling again when the relay closes a
 * connection. It prints `{"sent":n}` lines as it goes.
 *
 * Usage: `node mirror-hammer.ts <relay multiaddr> <question file> <connections> <streams> <local address>`
 * @module
 */
import { readFile } from 'node:fs/promises'
import type { Connection } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import {
  MAX_MIRROR_STATUS_BYTES,
  MIRROR_PROTOCOL,
  MIRROR_STATUS_TIMEOUT_MS,
} from '@alternet/net/mirror'
import { createClient } from './client.ts'

/** How often the count of questions sent is printed. */
const REPORT_INTERVAL_MS = 200

const [relay, questionFile, connections, streams, localAddress] = process.argv.slice(2)
const question = new Uint8Array(await readFile(questionFile))
const node = await createClient({ relays: [relay], localAddress })
const dial = (): Promise<Connection> => node.dial(multiaddr(relay), { force: true })
const conns: Connection[] = []
for (let i = 0; i < Number(connections); i++) conns.push(await dial())

let sent = 0
async function ask(conn: Connection): Promise<void> {
  const signal = AbortSignal.timeout(MIRROR_STATUS_TIMEOUT_MS)
  const stream = await conn.newStream(MIRROR_PROTOCOL, { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_MIRROR_STATUS_BYTES })
    await lp.write(question, { signal })
    sent++
    await lp.read({ signal })
    await stream.close({ signal })
  } catch (err) {
    stream.abort(err as Error)
  }
}

setInterval(() => console.log(JSON.stringify({ sent })), REPORT_INTERVAL_MS)
for (const [n, first] of conns.entries()) {
  let redial: Promise<Connection> | undefined
  for (let i = 0; i < Number(streams); i++)
    void (async () => {
      for (;;) {
        let conn = conns[n] ?? first
        if (conn.status !== 'open') {
          redial ??= dial().finally(() => (redial = undefined))
          conn = conns[n] = await redial.catch(() => conn)
        }
        await ask(conn).catch(() => new Promise((r) => setImmediate(r)))
      }
    })()
}
