/**
 * Where `alternet` keeps its data when no `--data-dir` is given: after each platform's
 * conventions (XDG on Linux and other Unixes, Application Support on macOS, %APPDATA% on
 * Windows), and `ALTERNET_DATA_DIR` over them all.
 */
import { join } from 'node:path'
import { describe, it } from '../support/spec.ts'
import { equal } from '../support/assert.ts'
import { defaultDataDir } from '../../src/node/cli/data-dir.ts'

const HOME = '/home/ada'

describe('the default data directory', () => {
  it('follows XDG on Linux: $XDG_DATA_HOME, else ~/.local/share', () => {
    equal(defaultDataDir('linux', {}, HOME), join(HOME, '.local', 'share', 'alternet'))
    equal(defaultDataDir('linux', { XDG_DATA_HOME: '/data/ada' }, HOME), '/data/ada/alternet')
    equal(defaultDataDir('freebsd', { XDG_DATA_HOME: '' }, HOME), `${HOME}/.local/share/alternet`)
  })

  it('is under Application Support on macOS and %APPDATA% on Windows', () => {
    equal(defaultDataDir('darwin', {}, HOME), `${HOME}/Library/Application Support/alternet`)
    equal(
      defaultDataDir('win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, HOME),
      join('C:\\Users\\ada\\AppData\\Roaming', 'alternet'),
    )
    equal(defaultDataDir('win32', {}, HOME), join(HOME, 'AppData', 'Roaming', 'alternet'))
  })

  it('is ALTERNET_DATA_DIR when set, on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const)
      equal(defaultDataDir(platform, { ALTERNET_DATA_DIR: '/srv/an' }, HOME), '/srv/an')
  })
})
