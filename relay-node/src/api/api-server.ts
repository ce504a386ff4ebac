/**
 * The registrar API's HTTP handler, for every path under `/api/v1/` of the relay's HTTP server.
 * Order of checks: the client's rate (by address), then the bearer token (a missing or wrong
 * token gets the same 401 on every path, before any path is looked at, so nothing tells which
 * names or paths exist), then the token's rate, then the route. Bodies are bounded: JSON to
 * `MAX_API_JSON_BYTES`, a publish upload to `--api-max-publish-bytes`. Every error is JSON
 * `{ ok: false, error, message }`.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { KeyedRateLimit } from '../keyed-rate-limit.ts'
import { sendJson as send } from '../json-reply.ts'
import type { Logger } from '../log.ts'
import type { ApiTokens } from './api-tokens.ts'
import { API_PREFIX, MAX_API_JSON_BYTES, OPENAPI_PATH } from './constants.ts'
import { ApiRequestError } from './errors.ts'
import { OPENAPI } from './openapi.ts'
import { publishSite, type PublishContext } from './publish-site.ts'
import type { Registrar } from './registrar.ts'

/** What the handler serves from. */
export interface ApiInit {
  tokens: ApiTokens
  registrar: Registrar
  publish: PublishContext
  /** The statistics of a site. */
  stats(site: string): Promise<Record<string, unknown>>
  /** Requests per minute per client address, and per token. */
  clientRate: number
  tokenRate: number
  burst: number
  maxPublishBytes: number
  log: Logger
}

/** An API request handler. */
export type ApiHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

const UNAUTHORIZED = {
  ok: false,
  error: 'unauthorized',
  message: 'This API needs a valid token: send Authorization: Bearer <token>.',
}

/** The request body, refused with 413 past `limit` bytes. */
async function* bounded(req: IncomingMessage, limit: number): AsyncGenerator<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) throw tooLarge(limit)
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw tooLarge(limit)
    yield chunk
  }
}

function tooLarge(limit: number): ApiRequestError {
  return new ApiRequestError(413, 'too-large', `The request body is larger than ${limit} bytes.`)
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Uint8Array[] = []
  for await (const chunk of bounded(req, MAX_API_JSON_BYTES)) chunks.push(chunk)
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (text === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ApiRequestError(400, 'bad-json', 'The request body is not JSON.')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ApiRequestError(400, 'bad-json', 'The request body must be a JSON object.')
  return value as Record<string, unknown>
}

function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new ApiRequestError(
      400,
      'bad-name',
      'The name in the path is not valid percent-encoding.',
    )
  }
}

/** Creates the handler. */
export function createApiHandler(init: ApiInit): ApiHandler {
  const perClient = new KeyedRateLimit({ perSecond: init.clientRate / 60, burst: init.burst })
  const perToken = new KeyedRateLimit({ perSecond: init.tokenRate / 60, burst: init.burst })
  const { registrar } = init

  const route = async (
    method: string,
    path: string,
    req: IncomingMessage,
  ): Promise<[number, unknown]> => {
    const rest = path.slice(API_PREFIX.length)
    if (rest === 'registrar') {
      if (method !== 'GET') throw notAllowed('GET')
      return [200, registrar.describe()]
    }
    let m = /^names\/([^/]+)(?:\/(register|renew|transfer|revoke))?$/.exec(rest)
    if (m !== null) {
      const name = decodeSegment(m[1])
      const action = m[2]
      if (action === undefined) {
        if (method !== 'GET') throw notAllowed('GET')
        return [200, await registrar.entry(name)]
      }
      if (method !== 'POST') throw notAllowed('POST')
      const body = await readJson(req)
      if (action === 'register')
        return [201, await registrar.register(name, body.owner, body.expires)]
      if (action === 'renew') return [200, await registrar.renew(name, body.expires)]
      if (action === 'transfer')
        return [200, await registrar.transfer(name, body.owner, body.expires)]
      return [200, await registrar.revoke(name, body.roots)]
    }
    m = /^sites\/([^/]+)\/(publish|stats)$/.exec(rest)
    if (m !== null) {
      const site = decodeSegment(m[1])
      if (m[2] === 'stats') {
        if (method !== 'GET') throw notAllowed('GET')
        return [200, await init.stats(site)]
      }
      if (method !== 'POST') throw notAllowed('POST')
      return [201, await publishSite(site, bounded(req, init.maxPublishBytes), init.publish)]
    }
    throw new ApiRequestError(404, 'not-found', `No API endpoint at ${path}.`)
  }

  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://relay.invalid').pathname
    const method = req.method ?? 'GET'
    const client = req.socket.remoteAddress ?? ''
    if (!perClient.take(client)) {
      const after = perClient.retryAfter(client)
      req.resume()
      return send(
        res,
        429,
        {
          ok: false,
          error: 'rate-limited',
          message: `Too many requests from this address; try again in ${after} s.`,
        },
        { 'retry-after': String(after) },
      )
    }
    if (path === OPENAPI_PATH && (method === 'GET' || method === 'HEAD'))
      return send(res, 200, OPENAPI, { 'access-control-allow-origin': '*' })
    const token = init.tokens.check(req.headers.authorization)
    if (token === undefined) {
      req.resume()
      return send(res, 401, UNAUTHORIZED, { 'www-authenticate': 'Bearer realm="alternet-relay"' })
    }
    if (!perToken.take(token)) {
      const after = perToken.retryAfter(token)
      req.resume()
      return send(
        res,
        429,
        {
          ok: false,
          error: 'rate-limited',
          message: `Too many requests with this token; try again in ${after} s.`,
        },
        { 'retry-after': String(after) },
      )
    }
    try {
      const [status, value] = await route(method, path, req)
      init.log.info('api request', { token, method, path, status })
      send(res, status, value)
    } catch (caught) {
      if (!(caught instanceof ApiRequestError))
        init.log.error('api request failed', { token, method, path, error: caught })
      const err =
        caught instanceof ApiRequestError
          ? caught
          : new ApiRequestError(500, 'internal-error', 'The relay failed to answer; see its log.')
      if (res.headersSent) return void res.destroy()
      init.log.info('api request refused', { token, method, path, error: err.code })
      if (!req.complete) {
        // Stop reading an upload that was refused: answer, then close the connection.
        res.setHeader('connection', 'close')
        req.resume()
      }
      send(
        res,
        err.status,
        { ok: false, error: err.code, message: err.message, ...err.details },
        err.status === 405 ? { allow: String(err.details.allow) } : {},
      )
    }
  }
}

function notAllowed(allow: string): ApiRequestError {
  return new ApiRequestError(405, 'method-not-allowed', `Use ${allow} here.`, { allow })
}
