/**
 * The live updates' flags (`--live-*`), listed in the relay's option table (config.ts).
 * @module
 */
import type { OptionSpec } from '../option-spec.ts'
import * as L from './constants.ts'

/** The live settings. */
export interface LiveSettings {
  liveMaxTopics: number
  liveTopicsPerPeer: number
  liveTopicsPerSource: number
}

/** The live rows of the option table. */
export const LIVE_OPTIONS: readonly OptionSpec<keyof LiveSettings>[] = [
  {
    key: 'liveMaxTopics',
    flag: 'live-max-topics',
    kind: 'count',
    default: L.MAX_LIVE_TOPICS,
    doc: 'live-update topics (sites) followed for browsers and other peers at most',
  },
  {
    key: 'liveTopicsPerPeer',
    flag: 'live-topics-per-peer',
    kind: 'count',
    default: L.MAX_LIVE_TOPICS_PER_PEER,
    doc: 'live-update topics followed for one peer at most; its further topics are refused',
  },
  {
    key: 'liveTopicsPerSource',
    flag: 'live-topics-per-source',
    kind: 'count',
    default: L.MAX_LIVE_TOPICS_PER_SOURCE,
    doc: 'live-update topics followed for the peers of one source (address block) at most',
  },
]
