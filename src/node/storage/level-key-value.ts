/**
 * The LevelDB backend of the store's key-value interface: each area a sublevel, the writes of a
 * transaction one atomic batch, `readwrite` transactions one at a time (what an IndexedDB
 * transaction gives the page's store). Indexes are scans of the area: a Node peer's areas are
 * small, and its blocks keep their own index (`file-blocks.ts`).
 * @module
 */
import type { KeyValueStore, KeyValueTransaction } from '../../storage/key-value.ts'
import type { LevelDatabase, LevelOp } from './level-database.ts'

/** A write of a transaction, made into batch ops when it commits. */
type Write = LevelOp | { type: 'clear'; area: string }

/** The key-value interface over `db`. */
export function levelKeyValue(db: LevelDatabase): KeyValueStore {
  const values = async <T>(area: string): Promise<T[]> =>
    (await db.entries<T>(area)).map(([, value]) => value)
  const run = async <T>(fn: (tx: KeyValueTransaction) => T | Promise<T>): Promise<T> => {
    const writes: Write[] = []
    const result = await fn({
      get: (area, key) => db.get(area, key),
      values,
      keys: async (area) => (await db.entries(area)).map(([key]) => key),
      valuesBy: async <T>(area: string, index: string, value: string) =>
        (await values<Record<string, unknown>>(area)).filter((row) => row[index] === value) as T[],
      put: (area, key, value) => void writes.push({ type: 'put', area, key, value }),
      delete: (area, key) => void writes.push({ type: 'del', area, key }),
      clear: (area) => void writes.push({ type: 'clear', area }),
    })
    const ops: LevelOp[] = []
    for (const write of writes) {
      if (write.type !== 'clear') ops.push(write)
      else
        for (const [key] of await db.entries(write.area))
          ops.push({ type: 'del', area: write.area, key })
    }
    if (ops.length > 0) await db.batch(ops)
    return result
  }
  return {
    get: (area, key) => db.get(area, key),
    values,
    transact: (_areas, mode, fn) => (mode === 'readwrite' ? db.exclusive(() => run(fn)) : run(fn)),
  }
}
