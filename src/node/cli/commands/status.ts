/**
 * `alternet status`: the relays this peer connects to, whether others can reach it, and the
 * sites it hosts. While `alternet host` runs on the same data directory, its status file.
 * @module
 */
import type { Command } from 'commander'
import { errorNameOf } from '../../../core/errors/index.ts'
import { printResult } from '../output.ts'
import { closePeer, openPeer, withPeerOptions, type PeerOptions } from '../peer-options.ts'
import { readHostStatus, statusLines, statusReport } from './status-report.ts'

/** How long `status` waits for a relay reservation (reachability) before it reports, in ms. */
export const STATUS_REACHABLE_WAIT_MS = 10_000

/** Registers the command on `program`. */
export function statusCommand(program: Command): void {
  withPeerOptions(
    program.command('status').description('connected relays, reachability and sites hosted'),
  ).action(async (options: PeerOptions) => {
    let peer
    try {
      peer = await openPeer(options)
    } catch (error) {
      const running =
        errorNameOf(error) === 'DataDirInUseError'
          ? await readHostStatus(options.dataDir)
          : undefined
      if (running === undefined) throw error
      printResult(options, running, statusLines(running))
      return
    }
    try {
      await peer.relays
        ?.waitFor?.((s) => s.reachable, { signal: AbortSignal.timeout(STATUS_REACHABLE_WAIT_MS) })
        .catch(() => undefined)
      const report = await statusReport(peer, 'status')
      printResult(options, report, statusLines(report))
    } finally {
      await closePeer(peer)
    }
  })
}
