/**
 * The answer to one DNS question about the `.alt` namespace (RFC 9476): `A`/`AAAA` of
 * `<origin label>.alt` give the gateway's addresses, `TXT` the owner key's fingerprint and the
 * content root of the site's current valid record, a name the network does not hold gets
 * NXDOMAIN with the zone's SOA (RFC 2308), and every other name is for the upstream server.
 * Origin labels: docs/PROTOCOL.md, "Origin label".
 * @module
 */
import type { Answer, Packet, Question, RecordType } from 'dns-packet'
import { fromOriginLabel } from '@alternet/core/names'
import { ALT_ZONE, DNS_NEGATIVE_TTL_S, MAX_DNS_ANSWER_TTL_S } from './constants.ts'
import { LookupBusyError, type FoundSite } from './site-lookup.ts'

/** Header flag bits (RFC 1035 §4.1.1). */
export const FLAG_AA = 1 << 10
export const FLAG_TC = 1 << 9
export const FLAG_RD = 1 << 8
export const FLAG_RA = 1 << 7
/** Response codes (RFC 1035 §4.1.1). */
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
} as const

/** What answering needs. */
export interface AltAnswerInit {
  /** The site's current valid record, or undefined when the network holds none. */
  lookup(site: string): Promise<FoundSite | undefined>
  /** The fingerprint of an owner key, as the app shows it. */
  fingerprint(key: Uint8Array): Promise<string>
  /** The gateway's IPv4 addresses (`A`). */
  v4: readonly string[]
  /** The gateway's IPv6 addresses (`AAAA`). */
  v6: readonly string[]
  /** Whether names outside `.alt` are forwarded (sets RA). */
  recursion: boolean
  /** @default Date.now */
  now?: () => number
}

/** The first label of a name, lowercased, and whether the name lies in `.alt`. */
function inAltZone(name: string): { labels: string[] } | undefined {
  const labels = name.replace(/\.$/, '').toLowerCase().split('.')
  return labels[labels.length - 1] === ALT_ZONE ? { labels } : undefined
}

/** Whether a question is about the `.alt` namespace (else it is forwarded or refused). */
export function isAltQuestion(question: Question): boolean {
  return inAltZone(question.name) !== undefined
}

/** A response to `query` with `rcode` and no records (FORMERR, REFUSED, SERVFAIL, NOTIMP). */
export function errorResponse(query: Packet, rcode: number, recursion: boolean): Packet {
  return {
    type: 'response',
    id: query.id ?? 0,
    flags: ((query.flags ?? 0) & FLAG_RD) | (recursion ? FLAG_RA : 0) | rcode,
    questions: query.questions ?? [],
    answers: [],
    authorities: [],
    additionals: [],
  }
}

function soa(now: number): Answer {
  return {
    type: 'SOA',
    name: ALT_ZONE,
    ttl: DNS_NEGATIVE_TTL_S,
    data: {
      mname: `resolver.${ALT_ZONE}`,
      rname: 'nobody.invalid',
      serial: Math.floor(now / 1000) % 2 ** 32,
      refresh: 3600,
      retry: 600,
      expire: 86_400,
      minimum: DNS_NEGATIVE_TTL_S,
    },
  }
}

/** Answers one question in `.alt`. `query` has exactly one question, of class IN. */
export async function answerAlt(query: Packet, init: AltAnswerInit): Promise<Packet> {
  const now = (init.now ?? Date.now)()
  const question = query.questions![0]
  const { labels } = inAltZone(question.name)!
  const reply = (rcode: number, answers: Answer[] = []): Packet => ({
    ...errorResponse(query, rcode, init.recursion),
    flags: errorResponse(query, rcode, init.recursion).flags! | FLAG_AA,
    answers,
    authorities: answers.length === 0 ? [soa(now)] : [],
  })
  if (labels.length === 1) return reply(RCODE.NOERROR, question.type === 'SOA' ? [soa(now)] : [])
  if (labels.length !== 2) return reply(RCODE.NXDOMAIN)
  let site: string
  try {
    site = fromOriginLabel(labels[0])
  } catch {
    return reply(RCODE.NXDOMAIN)
  }
  let found: FoundSite | undefined
  try {
    found = await init.lookup(site)
  } catch (err) {
    if (err instanceof LookupBusyError) return errorResponse(query, RCODE.SERVFAIL, init.recursion)
    throw err
  }
  if (found === undefined) return reply(RCODE.NXDOMAIN)
  const { body } = found.record
  const ttl = Math.max(
    1,
    Math.min(body.ttl, MAX_DNS_ANSWER_TTL_S, Math.floor((body.expires - now) / 1000)),
  )
  const name = question.name
  const answers: Answer[] = []
  const wants = (type: RecordType): boolean =>
    question.type === type || (question.type as string) === 'ANY'
  if (wants('A')) for (const data of init.v4) answers.push({ type: 'A', name, ttl, data })
  if (wants('AAAA')) for (const data of init.v6) answers.push({ type: 'AAAA', name, ttl, data })
  if (wants('TXT')) {
    // One TXT record per field, `key=value` (RFC 1464), so each reads on its own.
    const fields = [
      `an-site=${body.name}`,
      `an-owner=${await init.fingerprint(found.record.holder)}`,
    ]
    if (body.content !== undefined) fields.push(`an-content=${body.content.toString()}`)
    for (const data of fields) answers.push({ type: 'TXT', name, ttl, data })
  }
  return reply(RCODE.NOERROR, answers)
}
