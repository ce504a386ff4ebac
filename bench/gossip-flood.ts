/**
 * Starts the live-update bench's flood (`gossip-flooder.ts`) in a process of its own, so the
 * measuring process keeps its time for the subscribers it measures.
 * @module
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Fresh peer IDs on the flooders' address. */
export const FLOOD_SYBILS = 3
/** Messages each flooder sends per second (a relay takes 20 from one neighbour). */
export const FLOOD_RATE_PER_PEER = 200
/** Longest wait for the flooders to be connected, followed and flooding (ms). */
const FLOOD_START_TIMEOUT_MS = 180_000

/** A running flood. */
export interface Flood {
  /** Messages sent so far (as of the flooder's last report, each second). */
  sent(): number
  /** Times a flooder came back with a fresh peer ID after the relay hung up on it. */
  comebacks(): number
  /** Stops the flood and its process. */
  stop(): Promise<void>
}

/** Starts the flooders against `relay` (which must group sources by /32); resolves once flooding. */
export async function startFlood(
  dir: string,
  relay: { tcp: string; peerId: string },
  watchedTopic: string,
): Promise<Flood> {
  const script = fileURLToPath(new URL('./gossip-flooder.ts', import.meta.url))
  const child = spawn(process.execPath, [script, dir, relay.tcp, relay.peerId, watchedTopic], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  let sent = 0
  let comebacks = 0
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the flood did not start')),
      FLOOD_START_TIMEOUT_MS,
    )
    child.on('exit', (code) => reject(new Error(`the flooder exited (${code})`)))
    let buffer = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      const lines = buffer.split('\n')
      buffer = lines.pop()!
      for (const line of lines) {
        if (line === 'ready') {
          clearTimeout(timer)
          resolve()
        } else if (line.startsWith('sent ')) {
          const [n, back] = line.slice(5).split(' ').map(Number)
          sent = n
          comebacks = back
        }
      }
    })
  }).catch(async (err: unknown) => {
    child.kill()
    throw err
  })
  return {
    sent: () => sent,
    comebacks: () => comebacks,
    stop: async () => {
      child.kill('SIGTERM')
      await exited
    },
  }
}
