/**
 * Blocks of a file from mirrors over plain HTTP, beside libp2p: a relay that mirrors a site
 * also serves its blocks as the IPFS trustless gateway serves raw blocks (`GET /ipfs/<cid>`,
 * docs/PROTOCOL.md "Blocks over HTTP"), and a page spends far less CPU on `fetch()` than on
 * Noise, yamux and route frames in JavaScript. Blocks asked together are gathered and asked of
 * the HTTP sources in turn as one CAR stream each (`GET /ipfs/?format=car&cids=…`), so a file
 * costs a few requests, not one per block; each block is verified against its CID as it arrives,
 * before it is used. Each CAR goes to the source with the fewest under way; a source left with
 * nothing to carry takes again the oldest blocks still awaited from a CAR that has sent nothing
 * for a while (each block asked twice at most, the first answer used, `http-wanted.ts`), so one
 * slow mirror does not hold the others back while the file's reader waits for its next block; a
 * CAR whose every block has come from elsewhere is ended then, its place given back, and its
 * source given no new CAR of the file, nor sent one that still waits its turn there (still a
 * source for the page's other files). A block a
 * CAR did not carry is asked alone (`GET /ipfs/<cid>`) of the next source. A source that sends a
 * wrong byte, fails or answers anything but the blocks is dropped from HTTP for the rest of the fetch
 * (one that lied is reported as a lying host is), and when none is left blocks are asked over
 * libp2p. The CARs and single blocks of every file a page reads share one budget per mirror
 * (`car-slots.ts`): a request past it waits its turn, where the mirror would refuse it.
 * @module
 */
import type { CID } from 'multiformats/cid'
import { BlockVerificationError, verifyBlock } from '../../core/content/index.ts'
import { MAX_MANIFEST_SIZE } from '../../core/content/constants.ts'
import type { RouteClient, RouteRequestOptions, RouteTarget } from '../route/index.ts'
import { readCar } from './car-reader.ts'
import { pageCarSlots, type CarSlot, type CarSlots } from './car-slots.ts'
import type { HostConnection } from './connect-hosts.ts'
import { HTTP_BLOCK_TIMEOUT_MS, openCar, readBlock } from './http-block-read.ts'
import { blocksToTakeOver, type Car, type Wanted } from './http-wanted.ts'

/** Blocks asked at once when HTTP sources carry a file. */
export const HTTP_FETCH_CONCURRENCY = 32

/** Most blocks one CAR request lists (the relay's bound). */
export const MAX_CAR_BLOCKS = 64

/** Fewest blocks a CAR request lists while another is under way (fewer wait for more). */
export const MIN_CAR_BLOCKS = 8

/** A CAR given to a source that was passed over for its file while it waited its turn. */
const HAND_BACK = new Error('The source was passed over for this file meanwhile.')

/** What an HTTP-first client reads with and reports to. */
export interface HttpBlocksInit {
  /** The request's sources; those with an `http` origin are asked first. */
  sources: readonly HostConnection[]
  /** A source sent wrong bytes (`connection` is its libp2p connection); it is not asked again. */
  onDropped?(connection: RouteTarget, error: unknown): void
  /** Each block read and verified over HTTP (to keep it, as blocks from libp2p are kept). */
  onBlock?(cid: CID, bytes: Uint8Array): void
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** The budget of CARs under way per mirror, shared with the page's other files. @default pageCarSlots */
  slots?: CarSlots
}

/**
 * A client that reads blocks from the HTTP sources among `init.sources` first, many to a
 * request, and falls back to `inner` (libp2p); undefined when no source serves over HTTP.
 */
export function httpFirstClient(inner: RouteClient, init: HttpBlocksInit): RouteClient | undefined {
  const live = init.sources.filter((s) => s.http !== undefined)
  if (live.length === 0) return undefined
  const get = init.fetch ?? globalThis.fetch.bind(globalThis)
  const slots = init.slots ?? pageCarSlots
  let turn = 0
  /** Blocks asked, not yet in a request. */
  let queue: Wanted[] = []
  let running = 0
  let scheduled = false
  /** CARs under way by source. */
  const busy = new Map<HostConnection, number>()
  /** Blocks listed by a CAR under way, in the order asked. */
  const inFlight = new Set<Wanted>()
  /** Sources a CAR of this file was taken from whole: slow for it, given none of its new CARs. */
  const passed = new Set<HostConnection>()
  /** A look again at blocks to take over, once a CAR has been quiet long enough. */
  let lookAgain: ReturnType<typeof setTimeout> | undefined

  const drop = (source: HostConnection, error: unknown): void => {
    const at = live.indexOf(source)
    if (at < 0) return
    live.splice(at, 1)
    busy.delete(source)
    // Only a lie is the mirror's fault: its libp2p side may still serve when HTTP does not.
    if (error instanceof BlockVerificationError) init.onDropped?.(source.connection, error)
  }

  /** One block asked alone of each HTTP source in turn, then over libp2p. */
  const alone = async (
    target: RouteTarget,
    cid: CID,
    options: RouteRequestOptions,
  ): Promise<Uint8Array> => {
    while (live.length > 0) {
      const source = live[turn++ % live.length]
      let slot: CarSlot | undefined
      try {
        // Within the page's budget at this mirror, as its CARs are.
        slot = await slots.take(source.http!, options.signal)
        if (!live.includes(source)) continue
        const bytes = await readBlock(get, source.http!, cid, options.signal)
        init.onBlock?.(cid, bytes)
        return bytes
      } catch (error) {
        if (options.signal?.aborted === true) throw options.signal.reason
        drop(source, error)
      } finally {
        slot?.()
      }
    }
    return inner.getBlock(target, cid, options)
  }

  /** `wanted` given (by CAR `from`); another CAR left owing nothing gives its place back. */
  const give = (wanted: Wanted, bytes: Uint8Array, from: Car): void => {
    if (wanted.settled) return
    wanted.settled = true
    for (const car of wanted.cars) if (--car.owed === 0 && car !== from) car.release()
    init.onBlock?.(wanted.cid, bytes)
    wanted.resolve(bytes)
  }

  /** A block a CAR did not carry: asked alone, or given up with its request. */
  const askAlone = (wanted: Wanted): void => {
    if (wanted.settled) return
    wanted.settled = true
    const { signal } = wanted.options
    if (signal?.aborted === true) return wanted.reject(signal.reason)
    alone(wanted.target, wanted.cid, wanted.options).then(wanted.resolve, wanted.reject)
  }

  /** `group` from `source` as one CAR stream, each block verified as it arrives. */
  const carry = async (source: HostConnection, group: Wanted[]): Promise<void> => {
    running++
    busy.set(source, (busy.get(source) ?? 0) + 1)
    let slot: CarSlot | undefined
    // Ended once every block it lists has come from elsewhere (taken over): not the source's fault.
    const takenOver = new AbortController()
    const car: Car = {
      begun: false,
      lastBlockAt: performance.now(),
      owed: 0,
      release: () => {
        passed.add(source)
        slot?.()
        takenOver.abort(new Error(`Every block asked of ${source.http} came from elsewhere.`))
      },
    }
    let handedBack = false
    const left = new Map<string, Wanted[]>()
    for (const wanted of group) {
      wanted.car ??= car
      wanted.cars.add(car)
      car.owed++
      inFlight.add(wanted)
      const key = wanted.cid.toString()
      left.set(key, [...(left.get(key) ?? []), wanted])
    }
    // Each block must come within the wait for one block of the one before.
    const idle = new AbortController()
    const quiet = (): void => idle.abort(new Error(`${source.http} sent no block in time.`))
    let timer: ReturnType<typeof setTimeout> | undefined
    const { signal } = group[0].options
    const ended = AbortSignal.any(
      signal === undefined ? [takenOver.signal] : [signal, takenOver.signal],
    )
    try {
      // The page's CARs at this mirror, of every file, within one budget: this one waits its turn.
      slot = await slots.take(source.http!, ended)
      if (!live.includes(source)) throw new Error(`${source.http} was dropped meanwhile.`)
      // Passed over for this file while it waited its turn: not asked, its blocks go back.
      if (passed.has(source) && live.some((s) => !passed.has(s))) throw HAND_BACK
      car.begun = true
      car.lastBlockAt = performance.now()
      timer = setTimeout(quiet, HTTP_BLOCK_TIMEOUT_MS)
      const body = await openCar(
        get,
        source.http!,
        group.map((w) => w.cid),
        AbortSignal.any([ended, idle.signal]),
      )
      for await (const block of readCar(body, MAX_MANIFEST_SIZE + 128)) {
        const key = block.cid.toString()
        const waiting = left.get(key)
        if (waiting === undefined) {
          throw new BlockVerificationError(
            'extra-block',
            `${source.http} sent block ${key}, which was not asked for.`,
            block.cid,
          )
        }
        // Taken over and given by another source already: not hashed again.
        if (!waiting.every((w) => w.settled)) await verifyBlock(waiting[0].cid, block.bytes)
        left.delete(key)
        for (const wanted of waiting) give(wanted, block.bytes, car)
        car.lastBlockAt = performance.now()
        clearTimeout(timer)
        timer = setTimeout(quiet, HTTP_BLOCK_TIMEOUT_MS)
      }
    } catch (error) {
      if (error === HAND_BACK) handedBack = true
      else if (!ended.aborted) drop(source, error)
    } finally {
      clearTimeout(timer)
      slot?.()
      running--
      if (busy.has(source)) busy.set(source, (busy.get(source) as number) - 1)
    }
    for (const wanted of group) {
      wanted.cars.delete(car)
      if (wanted.settled || wanted.cars.size === 0) inFlight.delete(wanted)
    }
    // What another CAR still lists waits for it; the rest is asked alone, or again in a CAR
    // of the sources that keep pace when this one was handed back unasked.
    const back: Wanted[] = []
    for (const waiting of left.values())
      for (const wanted of waiting) {
        if (wanted.cars.size > 0) continue
        if (!handedBack || wanted.settled) askAlone(wanted)
        else back.push(Object.assign(wanted, { car: undefined }))
      }
    queue = [...back, ...queue]
    schedule()
  }

  /**
   * The live source with the fewest of the page's CARs under way or waiting (the next in turn
   * among equals), among those not passed over for this file while any is left.
   */
  const leastBusy = (): HostConnection => {
    const load = (source: HostConnection): number => slots.load(source.http!)
    const keeping = live.filter((source) => !passed.has(source))
    const from = keeping.length > 0 ? keeping : live
    let best = from[turn++ % from.length]
    for (const source of from) if (load(source) < load(best)) best = source
    return best
  }

  /**
   * Each idle source takes again the oldest blocks still awaited from the others: the file's
   * reader waits for those first, and a slow source would otherwise hold back every one idle.
   */
  const takeOver = (): void => {
    const now = performance.now()
    for (const source of live) {
      // Idle for this file, with room in the page's budget: a CAR that would wait helps nobody.
      if ((busy.get(source) ?? 0) > 0 || !slots.free(source.http!) || passed.has(source)) continue
      const { again, soonest } = blocksToTakeOver(inFlight, now)
      if (again.length === 0) {
        if (soonest < Infinity && lookAgain === undefined)
          lookAgain = setTimeout(() => {
            lookAgain = undefined
            schedule()
          }, soonest)
        return
      }
      for (const wanted of again) wanted.doubled = true
      void carry(source, again)
    }
  }

  /** Every block queued, in CARs spread over the sources, in the order asked. */
  const flush = (): void => {
    scheduled = false
    const wanted = queue
    queue = []
    if (live.length === 0) return wanted.forEach(askAlone)
    const groups = Math.max(
      Math.ceil(wanted.length / MAX_CAR_BLOCKS),
      Math.min(live.length, Math.ceil(wanted.length / MIN_CAR_BLOCKS)),
    )
    const size = Math.ceil(wanted.length / groups)
    for (let at = 0; at < wanted.length; at += size) {
      void carry(leastBusy(), wanted.slice(at, at + size))
    }
  }

  /**
   * Blocks asked together go out together; while every source carries a CAR, a few wait for
   * more; with none asked, idle sources take over what a quiet CAR owes.
   */
  function schedule(): void {
    if (scheduled) return
    if (queue.length === 0) return takeOver()
    if (running >= live.length && queue.length < MIN_CAR_BLOCKS) return
    scheduled = true
    setTimeout(flush, 0)
  }

  const getBlock: RouteClient['getBlock'] = (
    target: RouteTarget,
    cid: CID,
    options: RouteRequestOptions = {},
  ) => {
    if (live.length === 0) return inner.getBlock(target, cid, options)
    return new Promise((resolve, reject) => {
      queue.push({
        target,
        cid,
        options,
        settled: false,
        cars: new Set(),
        doubled: false,
        resolve,
        reject,
      })
      schedule()
    })
  }

  return { request: inner.request, getBlock, getManifest: inner.getManifest }
}
