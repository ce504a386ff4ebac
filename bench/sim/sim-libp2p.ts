/**
 * The libp2p settings every simulated server shares that are not the DHT's: what a process of
 * hundreds of nodes must not pay for per node, and why each leaves the DHT code under test
 * unchanged.
 * @module
 */
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { ComponentLogger, Logger } from '@libp2p/interface'
import type { Libp2pOptions } from 'libp2p'

/**
 * The bound on every real-time wait inside a simulated server (dials, upgrades, protocol
 * negotiation, identify, kad-dht's requests, pings and inbound requests, the republisher's
 * puts): 60 s. Nothing on the in-memory transport takes simulated time, so none of these waits
 * decides a simulated outcome on a machine with CPU to spare; libp2p's defaults (5–30 s) turned
 * CPU starvation into failed dials and lookups. 60 s is above what starvation causes at the
 * loads the specs run at; with four runs at once at load 25, single requests took up to 45–75 s
 * and such a request fails. A wait that never ends fails at the bound; the operation it belongs
 * to (a lookup, a put, a server's table refresh, …) is cut at `OPERATION_BOUND_MS` whatever it
 * still waits for, and
 * counted (`SimCounts.cut`). It was 10 minutes: one stuck wait then held a run for 10 minutes.
 */
export const REAL_BOUND_MS = 60_000

/**
 * The bound on one operation of the simulation (a lookup, a put, a server's table refresh or
 * republish round, a Sybil's push, a join's dial, a server's stop), real time: two waits in a
 * row at `REAL_BOUND_MS`. Past it the operation fails and the run goes on (`RunBound.guard`).
 */
export const OPERATION_BOUND_MS = 2 * REAL_BOUND_MS

/**
 * A receiver's look-up of a name it does not hold before it stores a record (the relay's root
 * look-up), real time: within the putter's request bound, so the receiver answers (stores or
 * refuses) before the putter gives up on it.
 */
export const ROOT_LOOKUP_BOUND_MS = REAL_BOUND_MS / 2

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
  connectionManager: {
    dialTimeout: REAL_BOUND_MS,
    addressDialTimeout: REAL_BOUND_MS,
    inboundUpgradeTimeout: REAL_BOUND_MS,
    inboundStreamProtocolNegotiationTimeout: REAL_BOUND_MS,
    outboundStreamProtocolNegotiationTimeout: REAL_BOUND_MS,
    // Joins arrive 16 at a time and a starved process accepts them slowly: libp2p's default of
    // 10 pending inbound connections would refuse dials the simulation means to succeed.
    maxIncomingPendingConnections: 1_000,
  },
  // Started by `startSimNode` once kad-dht's table refresh is held (dht-timers.ts).
  start: false,
}

/**
 * yamux without its keep-alive: it pings every connection every 30 s of real time (thousands of
 * connections in a 500-server run), and an in-memory connection never dies unseen.
 */
export const simYamux = (): ReturnType<typeof yamux> => yamux({ enableKeepAlive: false })

/** identify, answered within `REAL_BOUND_MS` instead of 5 s of real time. */
export const simIdentify = (): ReturnType<typeof identify> => identify({ timeout: REAL_BOUND_MS })
