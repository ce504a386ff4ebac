/**
 * What a host answers to a request, decided before any byte is written: site and root
 * resolution, path lookup, folder redirects, the 404 page, ETag and If-None-Match, ranges,
 * blocks by CID. See docs/PROTOCOL.md, "Status codes".
 * @module
 */
import { CID } from 'multiformats/cid'
import {
  InvalidPathError,
  decodeManifest,
  normalizeRequestPath,
  readVerified,
  type FileEntry,
  type Manifest,
} from '../../core/content/index.ts'
import {
  ManifestCache,
  ROOT_HEADER,
  fileReply as fileHead,
  matchPath,
  notFoundReply,
  redirectReply,
  statusReply,
  type ReplyHead,
} from '../../core/http/index.ts'
import type { RouteRequest, RouteResponseHeader } from './codec.ts'
import type { HostedSite, RouteServerInit } from './server-init.ts'
import { eachOf, segmentReader } from './segment-reader.ts'

/** A block the manifest lists but the store does not hold. */
export class MissingBlockError extends Error {
  override name = 'MissingBlockError'
}

/** A reply decided before any body byte is sent. */
export interface Reply extends RouteResponseHeader {
  body?: ReadableStream<Uint8Array> | Uint8Array
  /** Reset the stream once the reply is flushed: the request was not read to its end. */
  reset?: boolean
}

/** A reply without body: `status`, with `reason` in the `x-an-reason` header when given. */
export function reply(
  status: number,
  reason?: string,
  headers: Record<string, string> = {},
): Reply {
  return withoutBody(statusReply(status, reason, headers))
}

/** The core's answer as a reply with no body. */
function withoutBody(head: ReplyHead): Reply {
  return { status: head.status, headers: head.headers, length: 0 }
}

/** Decides replies from a block store and the hosted sites; keeps the last manifests decoded. */
export interface Answerer {
  answer(request: RouteRequest, signal: AbortSignal): Promise<Reply>
  /** Forgets the decoded manifests. */
  clear(): void
}

/** Creates the answering half of a route server. */
export function createAnswerer(
  init: Pick<
    RouteServerInit,
    'getBlock' | 'getBlocks' | 'getManifest' | 'sites' | 'hostedBlock' | 'serveVisitedBlocks'
  >,
): Answerer {
  const manifests = new ManifestCache()
  /** The blocks of each hosted root (the manifest and its chunks), by root. */
  const rootBlocks = new Map<string, Set<string>>()

  async function loadManifest(root: CID, signal: AbortSignal): Promise<Manifest | undefined> {
    const key = root.toString()
    const cached = manifests.get(key)
    if (cached !== undefined) return cached
    let manifest: Manifest | undefined
    if (init.getManifest !== undefined) {
      manifest = await init.getManifest(root, { signal })
    } else {
      const bytes = await init.getBlock(root, { signal })
      manifest = bytes === undefined ? undefined : await decodeManifest(bytes, root)
    }
    if (manifest !== undefined) manifests.set(key, manifest)
    return manifest
  }

  const getBlockOrThrow = async (
    cid: CID,
    options: { signal: AbortSignal },
  ): Promise<Uint8Array> => {
    const bytes = await init.getBlock(cid, options)
    if (bytes === undefined) throw new MissingBlockError(`Block ${cid} is not in the store.`)
    return bytes
  }

  async function fileReply(
    request: RouteRequest,
    root: CID,
    entry: FileEntry,
    status: 200 | 404,
    signal: AbortSignal,
  ): Promise<Reply> {
    const head = await fileHead(
      entry,
      {
        method: request.kind === 'head' ? 'HEAD' : 'GET',
        ifNoneMatch: request.headers?.['if-none-match'],
        range: request.headers?.range,
      },
      { status, root: root.toString() },
    )
    const result = withoutBody(head)
    const { bytes } = head
    if (bytes === undefined || bytes.end === bytes.start) return result
    result.length = bytes.end - bytes.start
    const getBlocks = init.getBlocks
    const read =
      getBlocks === undefined
        ? getBlockOrThrow
        : segmentReader(
            entry,
            eachOf((cids) => getBlocks(cids)),
            (cid) => new MissingBlockError(`Block ${cid} is not in the store.`),
          )
    result.body = readVerified(entry, read, { ...bytes, signal })
    return result
  }

  /** Whether `cid` is a block of a hosted site: its manifest, or a chunk its manifest lists. */
  async function hostedBlock(cid: CID, signal: AbortSignal): Promise<boolean> {
    if (init.hostedBlock !== undefined) return init.hostedBlock(cid, { signal })
    const wanted = cid.toString()
    const roots = new Set([...(await init.sites())].map((s) => s.root.toString()))
    for (const root of rootBlocks.keys()) if (!roots.has(root)) rootBlocks.delete(root)
    if (roots.has(wanted)) return true
    for (const root of roots) {
      let blocks = rootBlocks.get(root)
      if (blocks === undefined) {
        const manifest = await loadManifest(CID.parse(root), signal)
        if (manifest === undefined) continue
        blocks = new Set()
        for (const entry of Object.values(manifest.files))
          for (const chunk of entry.chunks) blocks.add(chunk.toString())
        rootBlocks.set(root, blocks)
      }
      if (blocks.has(wanted)) return true
    }
    return false
  }

  async function answer(request: RouteRequest, signal: AbortSignal): Promise<Reply> {
    if (request.kind === 'block') {
      const cid = request.cid as CID
      // Blocks of sites only visited are not served (unless mirroring them is asked for):
      // answering them would tell any peer which sites this person looked at.
      if (init.serveVisitedBlocks !== true && !(await hostedBlock(cid, signal)))
        return reply(404, 'block-not-found')
      const bytes = await init.getBlock(cid, { signal })
      if (bytes === undefined) return reply(404, 'block-not-found')
      return {
        status: 200,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(bytes.length),
        },
        length: bytes.length,
        body: bytes,
      }
    }
    const hosted = [...(await init.sites())]
    let site: HostedSite | undefined
    if (request.root !== undefined) {
      const root = request.root
      site = hosted.find(
        (s) => s.root.equals(root) && (request.site === undefined || s.site === request.site),
      )
      if (site === undefined) {
        const other = hosted.find((s) => s.site === request.site)
        if (other !== undefined)
          return reply(404, 'root-mismatch', { [ROOT_HEADER]: other.root.toString() })
        return reply(404, 'not-hosted')
      }
    } else {
      site = hosted.find((s) => s.site === request.site)
      if (site === undefined) return reply(404, 'not-hosted')
    }
    let path: string
    try {
      path = normalizeRequestPath(request.path as string)
    } catch (error) {
      if (error instanceof InvalidPathError) return reply(400, 'invalid-path')
      throw error
    }
    const manifest = await loadManifest(site.root, signal)
    if (manifest === undefined) return reply(503, 'manifest-unavailable')
    const match = matchPath(manifest, path)
    if ('missing' in match) return withoutBody(notFoundReply(site.root.toString()))
    if ('redirect' in match) return withoutBody(redirectReply(match.redirect, site.root.toString()))
    return fileReply(request, site.root, match.file, match.status, signal)
  }

  return {
    answer,
    clear: () => {
      manifests.clear()
      rootBlocks.clear()
    },
  }
}
