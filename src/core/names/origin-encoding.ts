/**
 * The origin-label encoding of a canonical site name, without any checks: shared by the site
 * name grammar (which refuses a site whose label would not fit) and by `toOriginLabel`.
 * See docs/PROTOCOL.md, "Origin label".
 * @module
 */

import { ACE_PREFIX, ORIGIN_LABEL_XN_FLAG } from './constants.ts'

/**
 * '.' becomes '-', ':' becomes '--', each '-' becomes '---'; when that would start with `xn--`,
 * `----` goes after the first character. `site` must already be canonical.
 * @example encodeOriginLabel('api.my-site:code') // 'api-my---site--code'
 */
export function encodeOriginLabel(site: string): string {
  const plain = site.replace(/[-.:]/g, (c) => (c === '.' ? '-' : c === ':' ? '--' : '---'))
  return plain.startsWith(ACE_PREFIX) ? plain[0] + ORIGIN_LABEL_XN_FLAG + plain.slice(1) : plain
}
