/**
 * A curl-like HTTP client for gateway specs: node's own `http.request` to a relay's HTTP port
 * with a chosen Host header (and, to stand for different clients, a chosen loopback source
 * address). Bodies are read whole; a connection the server cuts is reported, with the bytes
 * that came before the cut.
 * @module
 */
import { request, type IncomingHttpHeaders } from 'node:http'

/** What came back. */
export interface GatewayAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  /** Set when the connection was cut before the body ended. */
  cut?: Error
}

/** Options of one request. */
export interface GatewayRequest {
  method?: string
  headers?: Record<string, string>
  /** Source address of the connection (any 127.x.y.z works on Linux loopback). */
  localAddress?: string
}

/** Sends one request to `http` (a relay's `http://127.0.0.1:port`) for `host` + `path`. */
export function gatewayRequest(
  http: string,
  host: string,
  path: string,
  init: GatewayRequest = {},
): Promise<GatewayAnswer> {
  const url = new URL(http)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: init.method ?? 'GET',
        headers: { host, ...init.headers },
        localAddress: init.localAddress,
        agent: false,
        timeout: 60_000,
      },
      (res) => {
        const parts: Buffer[] = []
        res.on('data', (d: Buffer) => parts.push(d))
        const done = (cut?: Error): void =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts),
            ...(cut === undefined ? {} : { cut }),
          })
        res.on('end', () => done(res.complete ? undefined : new Error('incomplete body')))
        res.on('error', (err) => done(err))
        res.on('aborted', () => done(new Error('aborted')))
      },
    )
    req.on('timeout', () => req.destroy(new Error('request timed out')))
    req.on('error', reject)
    req.end()
  })
}

/**
 * The `max-age` of a gateway answer's `cache-control`: what is left of the relay's copy of the
 * record, so at most the record's TTL and less the longer the relay has kept it.
 */
export function maxAgeOf(headers: Record<string, string | string[] | undefined>): number {
  const match = /^public, max-age=(\d+)$/.exec(String(headers['cache-control']))
  if (match === null) throw new Error(`no max-age in cache-control: ${headers['cache-control']}`)
  return Number(match[1])
}
