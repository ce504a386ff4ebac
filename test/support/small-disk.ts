/**
 * A small file system for full-disk specs: a tmpfs of a given size mounted on a folder. Where
 * this machine does not allow mounting, the spec says so and reports itself skipped.
 * @module
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Mounts a tmpfs of `size` (e.g. `40m`) on `path`; false, with a line saying why, where it cannot. */
export async function mountSmallDisk(path: string, size: string | number): Promise<boolean> {
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path])
    return true
  } catch (err) {
    console.log(`# a small file system could not be mounted here (${String(err)})`)
    return false
  }
}

/** Unmounts what `mountSmallDisk` mounted on `path`; never throws. */
export async function unmountSmallDisk(path: string): Promise<void> {
  await run('umount', [path]).catch(() => undefined)
}
