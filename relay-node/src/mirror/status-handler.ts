/**
 * The `/an/mirror/1.0.0` side of a mirror: what it holds of a site, and the protocol handler
 * answering status questions (keeping the pre-signed records they carry).
 * @module
 */
import type { PeerId } from '@libp2p/interface'
import { answerStatus, type MirrorQuestion, type MirrorStatus } from '@alternet/net/mirror'
import { sourceOf } from '../source-subnet.ts'
import { MIRROR_PRESIGNED_BYTES_PER_SOURCE, MIRROR_PROTOCOL } from './constants.ts'
import { MirrorQuestionLimitError } from './errors.ts'
import { isServable, type MirrorState } from './mirror-state.ts'
import { aliveUntil } from './presigned.ts'
import { answerWithRecords, type KeeperContext, type RecordOrigin } from './presigned-keeper.ts'
import { QuestionLimits } from './question-limits.ts'

/**
 * Streams of `/an/mirror/1.0.0` libp2p lets open at once on one connection; the per-peer limit
 * (`MIRROR_STREAMS_PER_PEER`, across connections) refuses sooner.
 */
const MAX_INBOUND_STATUS_STREAMS = 16

/** What this relay holds of `site` (the `/an/mirror/1.0.0` answer). */
export function mirrorStatus(state: MirrorState, site: string): MirrorStatus {
  const entry = state.disk.get(site)
  const pull = state.pulls.get(site)
  const servable = entry !== undefined && isServable(state, site, entry.root)
  if (entry !== undefined && servable && pull === undefined) {
    const http = state.init.httpUrl?.()
    return {
      site,
      state: 'complete',
      root: entry.root,
      blocksDone: entry.blocks.length,
      blocksTotal: entry.blocks.length,
      bytes: entry.bytes,
      ...(http === undefined ? {} : { http }),
      aliveUntil: aliveUntil(
        (entry.future ?? []).map((r) => Buffer.from(r, 'base64')),
        Buffer.from(entry.record, 'base64'),
      ),
    }
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
  const staging = state.staging.get(site)
  if (staging !== undefined)
    return staging.handedOn
      ? {
          site,
          state: 'refused',
          root: staging.root,
          reason: 'not-placed',
          message: `This relay is not one of the mirrors of ${site}; it handed the site on to them.`,
        }
      : { site, state: 'fetching', root: staging.root, blocksDone: 0, blocksTotal: 0 }
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
    presignedBytesPerSource: MIRROR_PRESIGNED_BYTES_PER_SOURCE,
  }
}

/** Answers a status question, keeping the pre-signed records it carries. */
export function answerQuestion(
  state: MirrorState,
  question: MirrorQuestion,
  origin: RecordOrigin = { source: 'local', checkable: Number.POSITIVE_INFINITY },
): Promise<MirrorStatus> {
  return answerWithRecords(
    keeperContext(state),
    question,
    (site) => mirrorStatus(state, site),
    origin,
  )
}

/**
 * Registers the `/an/mirror/1.0.0` handler on the relay. Each question is admitted by
 * `limits` first (by peer and by source); one over a limit is reset unread and counted.
 */
export async function handleStatusQuestions(
  state: MirrorState,
  limits = new QuestionLimits(),
): Promise<void> {
  const { sourcePrefixes } = state.init
  await state.init.node.handle(
    MIRROR_PROTOCOL,
    (stream, conn) => {
      const peer = conn.remotePeer.toString()
      const source = sourceOf(conn.remoteAddr, sourcePrefixes)
      const ticket = limits.admit(peer, source)
      if (typeof ticket === 'string') {
        state.metrics.questionsRefused.inc({ reason: ticket })
        stream.abort(new MirrorQuestionLimitError(ticket))
        if (limits.refused(peer)) closePeer(state, conn.remotePeer)
        return
      }
      void answerStatus(stream, (question) =>
        answerQuestion(state, question, {
          source,
          checkable: limits.recordsToCheck(peer, question.records?.length ?? 0),
        }),
      ).finally(() => ticket.release())
    },
    { maxInboundStreams: MAX_INBOUND_STATUS_STREAMS },
  )
}

/** Closes every connection of a peer that keeps asking over its limits. */
function closePeer(state: MirrorState, peer: PeerId): void {
  const conns = state.init.node.getConnections(peer)
  if (conns.length === 0) return
  state.metrics.questionsRefused.inc({ reason: 'peer-closed' })
  state.log.warn('peer closed for asking too many mirror status questions', {
    peer: peer.toString(),
  })
  for (const c of conns) c.abort(new MirrorQuestionLimitError('peer-closed'))
}

/** Removes the handler. */
export async function unhandleStatusQuestions(state: MirrorState): Promise<void> {
  await state.init.node.unhandle(MIRROR_PROTOCOL).catch(() => undefined)
}
