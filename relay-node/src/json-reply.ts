/**
 * The relay's JSON answers (its HTTP endpoints and the registrar API): one shape, never cached.
 * @module
 */
import type { ServerResponse } from 'node:http'

/** Answers with `value` as JSON, `status` and any `headers`; never stored by a cache. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(body)
}
