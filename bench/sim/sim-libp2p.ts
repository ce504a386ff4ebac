/**
 * The libp2p settings every simulated server shares that are not the DHT's: what a process of
 * hundreds of nodes must not pay for per node, and why each leaves the DHT code under test
 * unchanged.
 * @module
 */
import type { ComponentLogger, Logger } from '@libp2p/interface'
import type { Libp2pOptions } from 'libp2p'

/** A logger that is off; `newScope` gives itself. */
const silent: Logger = Object.assign(() => undefined, {
  error: () => undefined,
  trace: () => undefined,
  enabled: false,
  newScope: () => silent,
})

/**
 * libp2p's default logger builds a `debug` instance (and asks whether stderr is a terminal)
 * for every connection and stream it scopes a log to, even with logging off: in the profile of
 * a 16-server run that was about 3 % of the CPU, plus the garbage it leaves. The simulation
 * never logs from libp2p.
 */
export const silentLogger: ComponentLogger = { forComponent: () => silent }

/** Settings merged into every simulated server's `createLibp2p` init. */
export const SIM_LIBP2P: Partial<Libp2pOptions> = {
  logger: silentLogger,
  // The connection monitor pings every connection every 10 s of real time to find dead ones.
  // An in-memory connection closes on both ends when either node stops, so there are none to
  // find, and 10 s of real time is several simulated hours: its pings would be neither the
  // relay's rate nor needed.
  connectionMonitor: { enabled: false },
  // Started by `startSimNode` once kad-dht's table refresh is held (dht-timers.ts).
  start: false,
}
