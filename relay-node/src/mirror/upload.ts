/**
 * `/an/mirror-upload/1.0.0` on a relay: a tab pushes a site's manifest and blocks. The tab
 * offers the site and its signed record, then sends the manifest; the relay checks the record
 * (valid, of that site, naming that manifest), that it mirrors the site (placement, policy,
 * revocation, owner quota and room, as for a pull), and answers which blocks it still needs;
 * the tab sends those only, each verified against its CID and size before it is written. Once
 * every block is on disk, the site goes through the mirror's usual path (the pull finds every
 * block held and commits at once). A tab that reconnects is asked only for what is missing.
 *
 * Bounds: the upload slots (`upload-slots.ts`: per peer, per source, in all), every frame
 * within `UPLOAD_IDLE_TIMEOUT_MS`, the bytes within the owner quota and the store (the
 * mirror's admission), each block at most `CHUNK_SIZE`. See docs/PROTOCOL.md, "Upload".
 * @module
 */
import type { Connection, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { CID } from 'multiformats/cid'
import { CHUNK_SIZE, MAX_MANIFEST_SIZE } from '@alternet/core/content'
import type { SignedRecord } from '@alternet/core/records'
import { MIRROR_UPLOAD_PROTOCOL, UPLOAD_IDLE_TIMEOUT_MS } from '@alternet/net/mirror'
import {
  jsonFrame,
  manifestBlocks,
  type ManifestBlock,
  type UploadAnswer,
  type UploadRefusal,
  UPLOAD_ACK_EVERY,
} from '@alternet/net/mirror/upload-protocol'
import type { Logger } from '../log.ts'
import type { RelayNode } from '../node.ts'
import type { BlockFiles } from './block-files.ts'
import { MirrorRefusedError } from './errors.ts'
import { UploadArrivals, type Receiving } from './upload-arrivals.ts'
import { readOffer, refusalOf, UploadRefusedError } from './upload-offer.ts'
import { MAX_CONCURRENT_UPLOADS, UploadSlots } from './upload-slots.ts'

/**
 * Bytes of one upload a relay holds read but not yet written. A tab sends at most
 * `UPLOAD_WINDOW_BLOCKS` blocks (8 MiB) past the relay's last `received`, so this holds a full
 * window with room to spare; a sender that ignores the window fails as `malformed` past it.
 */
export const UPLOAD_READ_BUFFER_BYTES = 12 * 1024 * 1024

/** What the upload handler asks of the mirror. */
export interface MirrorUploadInit {
  node: Pick<RelayNode, 'handle' | 'unhandle'>
  blocks: BlockFiles
  log: Logger
  /** Registrar keys records are validated with. */
  registrars(): readonly Uint8Array[]
  /**
   * Whether this relay takes the site: throws `MirrorRefusedError` or `UploadRefusedError`
   * (placement, policy, revocation, quota, room); reserves room for `missing` and returns a
   * function that releases it.
   */
  admit(record: SignedRecord, missing: readonly ManifestBlock[]): Promise<() => void>
  /** Marks the root as being fetched, so its blocks survive a restart until the site is complete. */
  startPending(site: string, root: string): Promise<void>
  /**
   * Every block is on disk: the mirror takes the site (its pull finds every block held). The
   * manifest comes along: a pull that failed meanwhile may have released it from the disk.
   */
  uploaded(record: SignedRecord, value: Uint8Array, manifest: Uint8Array): void
  /**
   * An admitted upload starts receiving blocks: they can be awaited as they arrive, and its end
   * (a pull of the same root waits for it; a hand-on forwards the blocks as they come).
   */
  receiving?(upload: Receiving): void
  /** An upload was refused (for the metrics). */
  onRefused?(reason: UploadRefusal): void
  /** The source (address prefix) a connection counts against; one source for all when absent. */
  sourceOf?(connection: Connection): string
}

/** The upload handler of a relay's mirror. */
export class MirrorUpload {
  private readonly init: MirrorUploadInit
  private readonly slots = new UploadSlots()
  private readonly controller = new AbortController()

  constructor(init: MirrorUploadInit) {
    this.init = init
  }

  async start(): Promise<void> {
    await this.init.node.handle(
      MIRROR_UPLOAD_PROTOCOL,
      (stream, connection) => void this.handle(stream, connection),
      { maxInboundStreams: MAX_CONCURRENT_UPLOADS },
    )
  }

  async stop(): Promise<void> {
    this.controller.abort(new Error('The relay is stopping.'))
    await this.init.node.unhandle(MIRROR_UPLOAD_PROTOCOL).catch(() => undefined)
  }

  /** Serves one upload on `stream`; never throws. */
  async handle(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, UPLOAD_READ_BUFFER_BYTES)
    const lp = lpStream(stream, {
      maxDataLength: Math.max(MAX_MANIFEST_SIZE, CHUNK_SIZE),
      maxBufferSize: UPLOAD_READ_BUFFER_BYTES,
    })
    const say = async (answer: UploadAnswer): Promise<void> => {
      await lp.write(jsonFrame(answer), { signal: this.idle() })
    }
    let release = (): void => undefined
    let arrivals: UploadArrivals | undefined
    const source = this.init.sourceOf?.(connection) ?? ''
    try {
      const leave = this.slots.enter(peer, source)
      try {
        const { record, value, manifest, manifestBytes } = await readOffer(
          lp,
          () => this.idle(),
          this.init.registrars(),
        )
        const site = record.body.name
        const root = record.body.content as CID
        const blocks = manifestBlocks(manifest)
        const missing: number[] = []
        for (const [i, b] of blocks.entries())
          if ((await this.init.blocks.size(b.cid)) !== b.size) missing.push(i)
        release = await this.admit(
          record,
          missing.map((i) => blocks[i]),
        )
        await this.init.startPending(site, root.toString())
        this.init.log.info('upload started', {
          site,
          peer,
          missing: missing.length,
          blocks: blocks.length,
        })
        await this.write(root, manifestBytes)
        arrivals = new UploadArrivals(
          this.init.blocks,
          missing.map((i) => blocks[i].cid),
        )
        this.init.receiving?.({
          record,
          value,
          manifest: manifestBytes,
          from: connection.remotePeer,
          ended: arrivals.ended,
          block: (cid) => arrivals!.block(cid),
        })
        if (missing.length > 0) {
          await say({ state: 'need', need: missing, total: blocks.length })
          let written = 0
          for (const i of missing) {
            const bytes = (await lp.read({ signal: this.idle() })).subarray()
            if (bytes.length !== blocks[i].size)
              throw new UploadRefusedError(
                'bad-content',
                `Block ${i + 1} of ${site} has ${bytes.length} bytes where its manifest says ${blocks[i].size}.`,
              )
            // Backpressure: nothing more is taken from the tab while the block is written
            // (flushed all at once below: a flush per block would fall behind the tab).
            if (stream.readStatus === 'readable') stream.pause()
            try {
              await this.write(blocks[i].cid, bytes, false)
            } finally {
              if (stream.readStatus === 'paused') stream.resume()
            }
            arrivals.written(blocks[i].cid)
            written++
            // Opens the tab's window: it sends at most UPLOAD_WINDOW_BLOCKS past this count.
            if (written % UPLOAD_ACK_EVERY === 0 || written === missing.length)
              await say({ state: 'received', received: written })
          }
          await this.init.blocks.sync(missing.map((i) => blocks[i].cid.toString()))
        }
        this.init.uploaded(record, value, manifestBytes)
        arrivals.finish(true)
        const bytes = manifestBytes.length + blocks.reduce((n, b) => n + b.size, 0)
        // Free before the last word: the tab may start its next upload as soon as it reads it.
        leave()
        await say({ state: 'stored', blocks: blocks.length + 1, bytes })
        this.init.log.info('site uploaded', { site, peer, sent: missing.length })
      } finally {
        leave()
      }
      await stream.close({ signal: this.idle() })
    } catch (err) {
      arrivals?.finish(false, err)
      const refusal = refusalOf(err)
      this.init.onRefused?.(refusal.reason)
      this.init.log.info('upload refused', { peer, reason: refusal.reason, error: err })
      await say({ state: 'refused', reason: refusal.reason, message: refusal.message })
        .then(() => stream.close({ signal: this.idle() }))
        .catch(() => stream.abort(refusal))
    } finally {
      release()
    }
  }

  /** A signal for one frame: the idle timeout, or the relay stopping. */
  private idle(): AbortSignal {
    return AbortSignal.any([this.controller.signal, AbortSignal.timeout(UPLOAD_IDLE_TIMEOUT_MS)])
  }

  private async admit(
    record: SignedRecord,
    missing: readonly ManifestBlock[],
  ): Promise<() => void> {
    try {
      return await this.init.admit(record, missing)
    } catch (err) {
      if (err instanceof MirrorRefusedError || err instanceof UploadRefusedError) throw err
      throw new UploadRefusedError('unreachable', 'This relay could not take the site now.', {
        cause: err,
      })
    }
  }

  /** Verifies and writes a block; a wrong byte is `bad-content`, a full disk `disk-full`. */
  private async write(cid: CID, bytes: Uint8Array, sync = true): Promise<void> {
    try {
      await this.init.blocks.put(cid, bytes, { sync })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC')
        throw new MirrorRefusedError('disk-full', 'The disk of this relay is full.', { cause: err })
      if ((err as Error).name === 'BlockVerificationError')
        throw new UploadRefusedError(
          'bad-content',
          'A block sent does not match its address in the manifest.',
          { cause: err },
        )
      throw err
    }
  }
}
