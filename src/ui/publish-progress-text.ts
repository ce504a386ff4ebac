/**
 * What Publish's progress bar shows for each report of a publication: how far along, in percent,
 * and the words under it.
 * @module
 */
import type { PublishProgress } from '../net/index.ts'
import { countOf, formatBytes } from './format.ts'

/** Where each phase starts on the progress bar, in percent. */
const PHASE_START = { hashing: 2, storing: 65, announcing: 80, mirroring: 88, done: 100 } as const
/** The share of the bar that hashing fills. */
const HASHING_SHARE = PHASE_START.storing - PHASE_START.hashing

/** The progress bar's value for a report, 0–100. */
export function progressPercent(progress: PublishProgress): number {
  if (progress.phase !== 'hashing') return PHASE_START[progress.phase]
  const done = progress.bytesTotal
    ? progress.bytesHashed / progress.bytesTotal
    : progress.filesDone / Math.max(1, progress.filesTotal)
  return Math.round(PHASE_START.hashing + HASHING_SHARE * Math.min(1, done))
}

/** The words under the progress bar. */
export function progressText(progress: PublishProgress): string {
  switch (progress.phase) {
    case 'hashing':
      return `Hashing files (${progress.filesDone} of ${progress.filesTotal})…`
    case 'storing':
      return 'Storing the content on this device…'
    case 'announcing':
      return 'Announcing the name to the network…'
    case 'mirroring': {
      const sent =
        progress.bytesUploaded !== undefined ? ` (${formatBytes(progress.bytesUploaded)} sent)` : ''
      // Until the mirrors are found there is no count to give: never "0 of ?".
      if (progress.mirrorsWanted === undefined) return `Looking for mirrors…${sent}`
      return `Copying to mirrors… ${progress.mirrorsDone ?? 0} of ${progress.mirrorsWanted}${sent}`
    }
    case 'done':
      return `Published: ${countOf(progress.accepted ?? 0, 'relay knows', 'relays know')} where to find it.`
  }
}
