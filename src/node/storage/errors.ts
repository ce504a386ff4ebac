/**
 * Errors of the Node store. Each class's `name` is its code; the words are in the error registry.
 * @module
 */
import { StorageError } from '../../storage/errors.ts'

/** Another process holds the data directory's store (LevelDB allows one process). */
export class DataDirInUseError extends StorageError {
  override name = 'DataDirInUseError'
}
