/**
 * Limits of the gateway: requests per client address in a fixed window, and requests in
 * progress across all clients. A client is its address (an IPv6 one by its /64).
 * @module
 */
import { isIPv6 } from 'node:net'
import {
  DEFAULT_GATEWAY_CLIENT_RATE,
  DEFAULT_GATEWAY_MAX_REQUESTS,
  GATEWAY_MAX_TRACKED_CLIENTS,
  GATEWAY_RATE_WINDOW_MS,
} from './constants.ts'
import { GatewayBusyError, TooManyRequestsError } from './errors.ts'

/** Settings of `ClientLimits`. */
export interface ClientLimitsInit {
  /** Requests one client may start per window. @default DEFAULT_GATEWAY_CLIENT_RATE */
  clientRate?: number
  /** Requests in progress across all clients. @default DEFAULT_GATEWAY_MAX_REQUESTS */
  maxRequests?: number
  /** The window, in ms. @default GATEWAY_RATE_WINDOW_MS */
  window?: number
  now?: () => number
}

/** The client an address stands for: an IPv4 address, or an IPv6 address's /64. */
export function clientOf(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (v4 !== null) return v4[1]
  if (!isIPv6(address)) return address
  const [head] = address.split('::')
  const groups = head.split(':')
  const tail = address.includes('::') ? [] : groups.slice(4)
  return `${[...groups, ...tail].slice(0, 4).join(':')}::/64`
}

/** Admission of gateway requests. */
export class ClientLimits {
  private readonly rate: number
  private readonly max: number
  private readonly window: number
  private readonly now: () => number
  private readonly counts = new Map<string, { start: number; n: number }>()
  private inProgress = 0

  constructor(init: ClientLimitsInit = {}) {
    this.rate = init.clientRate ?? DEFAULT_GATEWAY_CLIENT_RATE
    this.max = init.maxRequests ?? DEFAULT_GATEWAY_MAX_REQUESTS
    this.window = init.window ?? GATEWAY_RATE_WINDOW_MS
    this.now = init.now ?? Date.now
  }

  /**
   * Admits a request from `address`; returns the function that ends it. Throws
   * `TooManyRequestsError` past the client's rate, `GatewayBusyError` past the total.
   */
  admit(address: string): () => void {
    const client = clientOf(address)
    const now = this.now()
    let count = this.counts.get(client)
    if (count === undefined || now - count.start >= this.window) {
      this.counts.delete(client)
      count = { start: now, n: 0 }
      this.counts.set(client, count)
      if (this.counts.size > GATEWAY_MAX_TRACKED_CLIENTS)
        this.counts.delete(this.counts.keys().next().value as string)
    }
    if (count.n >= this.rate)
      throw new TooManyRequestsError(
        `${client} made ${count.n} gateway requests in ${this.window / 1000} s; the limit is ${this.rate}.`,
      )
    if (this.inProgress >= this.max)
      throw new GatewayBusyError(`The gateway has ${this.inProgress} requests in progress.`)
    count.n++
    this.inProgress++
    let ended = false
    return () => {
      if (ended) return
      ended = true
      this.inProgress--
    }
  }

  /** Seconds until `address` may make requests again (for `Retry-After`). */
  retryAfter(address: string): number {
    const count = this.counts.get(clientOf(address))
    if (count === undefined) return 1
    return Math.max(1, Math.ceil((count.start + this.window - this.now()) / 1000))
  }
}
