/**
 * Browser-side access to the relays `wtr-relays-plugin.mjs` runs: their addresses, and stopping
 * or starting one from a spec.
 * @module
 */

/** One relay process as the plugin describes it. */
export interface TestRelay {
  index: number
  running: boolean
  peerId: string
  /** `http://127.0.0.1:PORT` */
  http: string
  /** Its `/.well-known/alternet.json` URL. */
  wellKnown: string
  multiaddrs: string[]
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { cache: 'no-store' })
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
  return (await response.json()) as T
}

/** The relays (started on the first call). */
export async function testRelays(): Promise<TestRelay[]> {
  return (await getJson<{ relays: TestRelay[] }>('/__relays/list')).relays
}

/** Stops relay `index` (SIGTERM) and waits until it exited. */
export async function stopRelay(index: number): Promise<TestRelay> {
  return getJson<TestRelay>(`/__relays/stop?index=${index}`)
}

/** Starts relay `index` again: same data dir, peer ID and ports. */
export async function startRelay(index: number): Promise<TestRelay> {
  return getJson<TestRelay>(`/__relays/start?index=${index}`)
}

/** Starts every stopped relay again. */
export async function startAllRelays(): Promise<void> {
  for (const relay of await testRelays()) if (!relay.running) await startRelay(relay.index)
}

export { eventually } from './eventually.ts'
