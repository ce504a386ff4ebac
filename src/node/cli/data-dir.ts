/**
 * Where `alternet` keeps its data when `--data-dir` is not given, after each platform's
 * conventions: `$XDG_DATA_HOME/alternet` (else `~/.local/share/alternet`) on Linux and other
 * Unixes, `~/Library/Application Support/alternet` on macOS, `%APPDATA%\alternet` on Windows.
 * `ALTERNET_DATA_DIR` overrides them all.
 * @module
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

/** Folder name of the data directory under the platform's data folder. */
export const DATA_DIR_NAME = 'alternet'

/** The default data directory for `platform` and `env`. */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (env.ALTERNET_DATA_DIR) return env.ALTERNET_DATA_DIR
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), DATA_DIR_NAME)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', DATA_DIR_NAME)
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), DATA_DIR_NAME)
}
