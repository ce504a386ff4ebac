/**
 * Progress of `alternet publish`: a bar (cli-progress) on a terminal, through the stages
 * hashing, uploading (copying to mirrors) and announcing; plain lines otherwise, one per
 * stage, so logs of scripts and CI stay readable. Nothing with `--json`.
 * @module
 */
import { SingleBar, Presets } from 'cli-progress'
import type { PublishProgress } from '../../net/hosting/index.ts'
import { formatBytes } from './output.ts'

/** The stage a person sees for a phase of `publishSite`. */
export function stageOf(phase: PublishProgress['phase']): string {
  switch (phase) {
    case 'hashing':
    case 'storing':
      return 'hashing'
    case 'mirroring':
      return 'uploading'
    case 'announcing':
      return 'announcing'
    default:
      return 'done'
  }
}

/** A progress reporter: `update` for each event, `stop` at the end. */
export interface PublishReporter {
  update(progress: PublishProgress): void
  stop(): void
}

/** The reporter for this output: bar on a TTY (`tty`), lines otherwise, silent with `quiet`. */
export function publishReporter(tty: boolean, quiet: boolean): PublishReporter {
  if (quiet) return { update: () => undefined, stop: () => undefined }
  if (!tty) {
    let last = ''
    return {
      update(p) {
        const stage = stageOf(p.phase)
        const line =
          stage === 'hashing'
            ? `hashing ${p.filesTotal} file(s)${p.bytesTotal === undefined ? '' : `, ${formatBytes(p.bytesTotal)}`}`
            : stage === 'uploading'
              ? `uploading to mirrors: ${p.mirrorsDone ?? 0} of ${p.mirrorsWanted ?? 0}`
              : stage
        if (line === last || stage === 'done') return
        last = line
        process.stderr.write(line + '\n')
      },
      stop: () => undefined,
    }
  }
  const bar = new SingleBar(
    { format: '{stage} [{bar}] {percentage}% {detail}', hideCursor: true, stream: process.stderr },
    Presets.shades_classic,
  )
  let started = false
  return {
    update(p) {
      const stage = stageOf(p.phase)
      const [value, total, detail] =
        stage === 'hashing'
          ? [p.bytesHashed, p.bytesTotal ?? p.bytesHashed, `${p.filesDone}/${p.filesTotal} files`]
          : stage === 'uploading'
            ? [
                p.mirrorsDone ?? 0,
                Math.max(1, p.mirrorsWanted ?? 1),
                `${p.mirrorsDone ?? 0} of ${p.mirrorsWanted ?? 0} mirrors`,
              ]
            : [1, 1, '']
      if (!started) {
        bar.start(Math.max(1, total), value, { stage, detail })
        started = true
      }
      bar.setTotal(Math.max(1, total))
      bar.update(value, { stage, detail })
    },
    stop: () => {
      if (started) bar.stop()
    },
  }
}
