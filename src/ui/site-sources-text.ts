/**
 * Who can serve a site now, in one sentence: shared by "About this name" and the address bar's
 * look-ahead while an address is typed.
 * @module
 */
import type { SiteSource, SiteSources } from '../net/index.ts'
import { countOf } from './format.ts'

/** `1 mirror and 2 hosts`: the sources answering now, by kind. */
export function reachableSourcesText(found: SiteSources): string {
  const count = (kind: SiteSource['kind'], one: string, many: string): string => {
    const n = found.sources.filter((s) => s.kind === kind && s.reachable).length
    return n === 0 ? '' : countOf(n, one, many)
  }
  return [
    count('mirror', 'mirror', 'mirrors'),
    count('host', 'host', 'hosts'),
    count('visitor', 'visitor’s browser', 'visitors’ browsers'),
  ]
    .filter((t) => t !== '')
    .join(' and ')
}
