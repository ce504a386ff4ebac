/**
 * The public directory's flags (`--directory-*`), listed in the relay's option table (config.ts).
 * @module
 */
import type { OptionSpec } from '../option-spec.ts'
import * as D from './constants.ts'

/** The directory settings. */
export interface DirectorySettings {
  directoryMaxEntries: number
  directoryPerSource: number
  directoryPerOwner: number
}

/** The directory rows of the option table. */
export const DIRECTORY_OPTIONS: readonly OptionSpec<keyof DirectorySettings>[] = [
  {
    key: 'directoryMaxEntries',
    flag: 'directory-max-entries',
    kind: 'count',
    default: D.DIRECTORY_MAX_ENTRIES,
    doc: 'sites the public directory lists at most',
  },
  {
    key: 'directoryPerSource',
    flag: 'directory-per-source',
    kind: 'count',
    default: D.DIRECTORY_MAX_PER_SOURCE,
    doc: 'sites the public directory lists at most from one source (address block)',
  },
  {
    key: 'directoryPerOwner',
    flag: 'directory-per-owner',
    kind: 'count',
    default: D.DIRECTORY_MAX_PER_OWNER,
    doc: 'sites the public directory lists at most per owner key',
  },
]
