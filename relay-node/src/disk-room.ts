/**
 * Whether the disk holding the relay's store has room. LevelDB must not run into a full disk:
 * a log write that fails with `ENOSPC` leaves a torn record in its log, and on the next open
 * LevelDB drops that record and every write after it, acknowledged ones included (seen with
 * classic-level on a full tmpfs). So the relay stops writing before that: below
 * `DISK_RESERVE_BYTES` free, the guarded store refuses new records as `disk-full` and the
 * write-behind store holds its batch back, serving reads from memory and from what is on disk;
 * once there is room again the batch goes out and records are taken again. Should LevelDB still
 * meet `ENOSPC` (another process filled the disk between two checks), the write-behind store
 * reopens it before its next write (see write-behind.ts).
 * @module
 */
import { statfs } from 'node:fs/promises'

const MIB = 1024 * 1024
/**
 * Free bytes below which the disk counts as full: room for a flush, a LevelDB compaction
 * (an SST of the 4 MiB write buffer) and its manifest, with a margin.
 */
export const DISK_RESERVE_BYTES = 16 * MIB
/** How long a free-space reading is trusted before the file system is asked again. */
export const DISK_CHECK_INTERVAL_MS = 1_000

/** The words an operator and a refused writer read. */
export const DISK_FULL_MESSAGE = 'The disk of this relay is full.'

/** A write was held back or refused because the disk is full; `code` is `ENOSPC`, as the file system's. */
export class DiskFullError extends Error {
  override name = 'DiskFullError'
  readonly code = 'ENOSPC'
}

/** Whether `err` is the file system's or LevelDB's "no space left on device". */
export function isDiskFull(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined
  return (
    e?.code === 'ENOSPC' ||
    (e?.code === 'LEVEL_IO_ERROR' && String(e.message).includes('No space left'))
  )
}

/** Settings of a `DiskRoom`. */
export interface DiskRoomInit {
  /** @default DISK_RESERVE_BYTES */
  reserveBytes?: number
  /** @default DISK_CHECK_INTERVAL_MS */
  checkIntervalMs?: number
  /** Told when the disk becomes full (true) and when it has room again (false). */
  onChange?(full: boolean, freeBytes: number): void
}

/** Free space of the file system holding one folder, read at most once a `checkIntervalMs`. */
export class DiskRoom {
  private readonly dir: string
  private readonly reserve: number
  private readonly every: number
  private readonly onChange: (full: boolean, free: number) => void
  private checkedAt = -Infinity
  private reading?: Promise<boolean>
  /** The last reading: true while the disk is full. */
  isFull = false

  constructor(dir: string, init: DiskRoomInit = {}) {
    this.dir = dir
    this.reserve = init.reserveBytes ?? DISK_RESERVE_BYTES
    this.every = init.checkIntervalMs ?? DISK_CHECK_INTERVAL_MS
    this.onChange = init.onChange ?? (() => undefined)
  }

  /** Whether fewer than the reserve bytes are free (a file system that cannot be read counts as having room). */
  async full(): Promise<boolean> {
    if (performance.now() - this.checkedAt < this.every) return this.isFull
    this.reading ??= this.read().finally(() => (this.reading = undefined))
    return this.reading
  }

  /** Forgets the last reading: the next `full()` asks the file system (after a write failed). */
  recheck(): void {
    this.checkedAt = -Infinity
  }

  private async read(): Promise<boolean> {
    let free: number
    try {
      const s = await statfs(this.dir)
      free = s.bavail * s.bsize
    } catch {
      return this.isFull
    }
    this.checkedAt = performance.now()
    const full = free < this.reserve
    if (full !== this.isFull) {
      this.isFull = full
      this.onChange(full, free)
    }
    return full
  }
}
