/**
 * The `/an/mirror/1.0.0` side of a mirror: what it holds of a site, and the protocol handler
 * answering status questions (keeping the pre-signed records they carry).
 * @module
 */
import { answerStatus, type MirrorQuestion, type MirrorStatus } from '@alternet/net/mirror'
import { MIRROR_PROTOCOL } from './constants.ts'
import { isServable, type MirrorState } from './mirror-state.ts'
import { answerWithRecords, type KeeperContext } from './presigned-keeper.ts'

/** Streams of `/an/mirror/1.0.0` open at once on one connection. */
const MAX_INBOUND_STATUS_STREAMS = 16

/** What this relay holds of `site` (the `/an/mirror/1.0.0` answer). */
export function mirrorStatus(state: MirrorState, site: string): MirrorStatus {
  const entry = state.disk.get(site)
  const pull = state.pulls.get(site)
  const servable = entry !== undefined && isServable(state, site, entry.root)
  if (entry !== undefined && servable && pull === undefined)
    return {
      site,
      state: 'complete',
      root: entry.root,
      blocksDone: entry.blocks.length,
      blocksTotal: entry.blocks.length,
      bytes: entry.bytes,
    }
  if (pull !== undefined)
    return {
      site,
      state: 'fetching',
      root: pull.root,
      blocksDone: pull.done,
      blocksTotal: pull.total,
      ...(entry !== undefined && servable ? { bytes: entry.bytes } : {}),
    }
  const refusal = state.refusals.get(site)
  if (refusal !== undefined)
    return {
      site,
      state: 'refused',
      root: refusal.root,
      reason: refusal.reason,
      message: refusal.message,
    }
  return { site, state: 'absent' }
}

/** What the pre-signed record keeper works with. */
export function keeperContext(state: MirrorState): KeeperContext {
  return {
    disk: state.disk,
    node: state.init.node,
    log: state.log,
    registrars: state.init.permissions.registrars,
    servable: (site, root) => isServable(state, site, root),
    signal: state.signal,
  }
}

/** Answers a status question, keeping the pre-signed records it carries. */
export function answerQuestion(
  state: MirrorState,
  question: MirrorQuestion,
): Promise<MirrorStatus> {
  return answerWithRecords(keeperContext(state), question, (site) => mirrorStatus(state, site))
}

/** Registers the `/an/mirror/1.0.0` handler on the relay. */
export async function handleStatusQuestions(state: MirrorState): Promise<void> {
  await state.init.node.handle(
    MIRROR_PROTOCOL,
    (stream) => void answerStatus(stream, (question) => answerQuestion(state, question)),
    { maxInboundStreams: MAX_INBOUND_STATUS_STREAMS },
  )
}

/** Removes the handler. */
export async function unhandleStatusQuestions(state: MirrorState): Promise<void> {
  await state.init.node.unhandle(MIRROR_PROTOCOL).catch(() => undefined)
}
