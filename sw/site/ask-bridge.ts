/**
 * Asking the bridge: the site service worker finds the bridge page among this origin's
 * windows and hands it the request with a fresh MessageChannel port; the answer (head, then
 * the streamed body) arrives on that port straight from the shell.
 * @module
 */
import {
  BRIDGE_PATH,
  BRIDGE_PROTOCOL_VERSION,
  FORWARDED_REQUEST_HEADERS,
} from '../../src/origins/shared/constants.ts'
import { NoBridgeError } from '../../src/origins/shared/errors.ts'
import { receiveResponse, type ReceivedResponse } from '../../src/origins/shared/port-stream.ts'
import type { DocumentServed, SwRequest } from '../../src/origins/shared/protocol.ts'

declare const self: ServiceWorkerGlobalScope

/** Errors after which the next bridge (another app tab) is asked: this one has no shell, or no node. */
const PASS_ON: ReadonlySet<string> = new Set(['BridgeNotConnectedError', 'NodeUnavailableError'])

/** The bridge windows of this origin, best first (most recently focused, as `matchAll` orders them). */
export async function findBridges(): Promise<WindowClient[]> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
  return windows.filter((client) => {
    const url = new URL(client.url)
    return url.origin === self.location.origin && url.pathname === BRIDGE_PATH
  })
}

/** An answer and the bridge that gave it. */
export interface BridgeAnswer {
  response: ReceivedResponse
  bridge: WindowClient
}

/**
 * Asks `bridges` in turn; one that is not connected to a shell, or whose shell has no node
 * (`NodeUnavailableError`: it could not start, or runs in another tab), passes to the next.
 * When none answers and none is connected yet (its app tab still starting), the first is asked
 * again to wait for its app. Then the last node error is thrown (else `NoBridgeError`).
 */
export async function askBridge(
  bridges: readonly WindowClient[],
  request: Request,
  timeout: number,
): Promise<BridgeAnswer> {
  const headers: [string, string][] = []
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name)
    if (value !== null) headers.push([name, value])
  }
  const message: SwRequest = {
    type: 'an-sw-request',
    v: BRIDGE_PROTOCOL_VERSION,
    method: request.method,
    url: request.url,
    headers,
  }
  let noNode: Error | undefined
  const unconnected: WindowClient[] = []
  const ask = async (bridge: WindowClient, wait: boolean): Promise<BridgeAnswer | undefined> => {
    const channel = new MessageChannel()
    bridge.postMessage(wait ? { ...message, wait } : message, [channel.port2])
    try {
      return {
        response: await receiveResponse(channel.port1, { timeout, signal: request.signal }),
        bridge,
      }
    } catch (error) {
      // Names, not classes: the error crossed a port as plain data.
      if (!(error instanceof Error) || !PASS_ON.has(error.name)) throw error
      if (error.name === 'NodeUnavailableError') noNode = error
      else unconnected.push(bridge)
      return undefined
    }
  }
  for (const bridge of bridges) {
    const answer = await ask(bridge, false)
    if (answer !== undefined) return answer
  }
  // No bridge is connected yet (the app tab still starting): the first waits for its app.
  const starting = unconnected[0]
  if (noNode === undefined && starting !== undefined) {
    const answer = await ask(starting, true)
    if (answer !== undefined) return answer
  }
  throw noNode ?? new NoBridgeError('No Alternet app tab is showing this site.')
}

/** Tells the shell (through `bridge`) which document its site frame got. */
export function tellDocument(
  bridge: WindowClient | undefined,
  served: Omit<DocumentServed, 'type' | 'v'>,
): void {
  if (bridge === undefined) return
  const message: DocumentServed = { type: 'an-document', v: BRIDGE_PROTOCOL_VERSION, ...served }
  bridge.postMessage(message)
}
