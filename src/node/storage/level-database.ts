/**
 * The kept store of a Node peer: one LevelDB (classic-level) in the data directory, split into
 * areas (sublevels) whose values are serialised with Node's structured-clone format (`node:v8`),
 * so rows keep their `Uint8Array`s as the IndexedDB store keeps them. Writes that belong
 * together go in one atomic batch; read-modify-write runs one at a time (`exclusive`), which is
 * what an IndexedDB `readwrite` transaction gives the page's store.
 * @module
 */
import { deserialize, serialize } from 'node:v8'
import type { AbstractSublevel } from 'abstract-level'
import { ClassicLevel } from 'classic-level'
import { StorageUnavailableError, storageError } from '../../storage/errors.ts'
import { DataDirInUseError } from './errors.ts'

/** One write of a batch. */
export type LevelOp =
  | { type: 'put'; area: string; key: string; value: unknown }
  | { type: 'del'; area: string; key: string }

/** The database of a data directory. */
export interface LevelDatabase {
  get<T>(area: string, key: string): Promise<T | undefined>
  /** Every `[key, value]` of `area` whose key starts with `prefix`, in key order. */
  entries<T>(area: string, prefix?: string): Promise<[string, T][]>
  /** Commits every op or none. */
  batch(ops: LevelOp[]): Promise<void>
  /** Runs `fn` after every earlier `exclusive` call has finished (one writer at a time). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

type Db = ClassicLevel<string, Uint8Array>
type Area = AbstractSublevel<Db, string | Uint8Array | Buffer, string, Uint8Array>

/**
 * Opens (or creates) the LevelDB at `path`. Throws `DataDirInUseError` when another process
 * holds it (LevelDB allows one process per database), `StorageUnavailableError` otherwise.
 */
export async function openLevelDatabase(path: string): Promise<LevelDatabase> {
  const db: Db = new ClassicLevel<string, Uint8Array>(path, { valueEncoding: 'view' })
  try {
    await db.open()
  } catch (error) {
    if (/lock/i.test(String((error as { cause?: unknown }).cause ?? error)))
      throw new DataDirInUseError(`${path} is in use by another alternet process.`, {
        cause: error,
      })
    throw new StorageUnavailableError(`The data directory's store cannot be opened (${path}).`, {
      cause: error,
    })
  }
  const areas = new Map<string, Area>()
  const area = (name: string): Area => {
    let sub = areas.get(name)
    if (sub === undefined) {
      sub = db.sublevel<string, Uint8Array>(name, { valueEncoding: 'view' })
      areas.set(name, sub)
    }
    return sub
  }
  let queue: Promise<unknown> = Promise.resolve()
  const mapped = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work
    } catch (error) {
      throw storageError(error)
    }
  }
  return {
    async get<T>(name: string, key: string) {
      const bytes = await mapped(area(name).get(key))
      return bytes === undefined ? undefined : (deserialize(bytes) as T)
    },
    async entries<T>(name: string, prefix = '') {
      const range = prefix === '' ? {} : { gte: prefix, lt: prefix + '\uffff' }
      const rows = await mapped(area(name).iterator(range).all())
      return rows.map(([key, bytes]) => [key, deserialize(bytes) as T] as [string, T])
    },
    batch: (ops) =>
      mapped(
        db.batch(
          ops.map((op) =>
            op.type === 'put'
              ? {
                  type: 'put' as const,
                  sublevel: area(op.area),
                  key: op.key,
                  value: new Uint8Array(serialize(op.value)),
                }
              : { type: 'del' as const, sublevel: area(op.area), key: op.key },
          ),
        ),
      ),
    exclusive<T>(fn: () => Promise<T>) {
      const run = queue.then(fn, fn)
      queue = run.catch(() => undefined)
      return run
    },
    close: () => db.close(),
  }
}
