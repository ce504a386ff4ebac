/**
 * What `alternet status` reports, and the status file a running `alternet host` keeps in the
 * data directory (`host-status.json`), so `status` can answer while `host` holds the store.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { NodePeer } from '../../create-node-peer.ts'

/** File a running `alternet host` keeps its status in. */
export const HOST_STATUS_FILE = 'host-status.json'

/** The status of a peer, as printed. */
export interface StatusReport {
  peerId: string
  relays: Array<{ peerId?: string; source?: string; connected?: boolean; reserved?: boolean }>
  reachable: boolean
  addresses: string[]
  peers: number
  hosted: Array<{ site: string; root: string; bytes: number }>
  /** The process it came from: `host` (a running `alternet host`) or this command. */
  from: 'host' | 'status'
  pid: number
  at: string
}

/** The status of `peer` now. */
export async function statusReport(
  peer: NodePeer,
  from: StatusReport['from'],
): Promise<StatusReport> {
  const status = peer.status()
  const hosted = await peer.hostedSites()
  return {
    peerId: status.peerId,
    relays: status.relays,
    reachable: status.reachable,
    addresses: status.addresses,
    peers: status.peers,
    hosted: hosted.map((s) => ({ site: s.site, root: s.root.toString(), bytes: s.bytes })),
    from,
    pid: process.pid,
    at: new Date().toISOString(),
  }
}

/** Writes the status file of a running host (atomically). */
export async function writeHostStatus(dataDir: string, report: StatusReport): Promise<void> {
  const path = join(dataDir, HOST_STATUS_FILE)
  const temp = `${path}.${randomUUID()}.tmp`
  await writeFile(temp, JSON.stringify(report, null, 2))
  await rename(temp, path)
}

/** Removes the status file when the host stops. */
export async function removeHostStatus(dataDir: string): Promise<void> {
  await rm(join(dataDir, HOST_STATUS_FILE), { force: true })
}

/** The running host's status, if a host wrote one. */
export async function readHostStatus(dataDir: string): Promise<StatusReport | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, HOST_STATUS_FILE), 'utf8')) as StatusReport
  } catch {
    return undefined
  }
}

/** The report as lines for people. */
export function statusLines(report: StatusReport): string[] {
  return [
    `peer       ${report.peerId}${report.from === 'host' ? ` (the running alternet host, pid ${report.pid})` : ''}`,
    `relays     ${report.relays.length === 0 ? 'none' : report.relays.map((r) => `${r.source ?? r.peerId} ${r.connected === true ? 'connected' : 'not connected'}${r.reserved === true ? ', reserved' : ''}`).join('\n           ')}`,
    `reachable  ${report.reachable ? 'yes' : 'no'}`,
    `hosting    ${report.hosted.length === 0 ? 'nothing' : report.hosted.map((s) => `an://${s.site}/ (${s.bytes} bytes)`).join('\n           ')}`,
  ]
}
