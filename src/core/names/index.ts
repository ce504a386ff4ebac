/**
 * Alternet names and addresses: `an://[sub.]*name:topic[/path][?query][#fragment]`.
 * Parsing, normalisation (case, Unicode via Punycode), and the per-site origin label.
 * Specified in docs/PROTOCOL.md; test vectors in test/vectors/names.json.
 *
 * @example
 * ```ts
 * import { parseAddress, toOriginLabel } from './core/names/index.ts'
 * const address = parseAddress('web+an:API.MySite:Code/docs')
 * address.href // 'an://api.mysite:code/docs'
 * toOriginLabel(address.site) // 'api-mysite--code'
 * ```
 * @module
 */

export type { SiteName, ParsedSiteName } from './site-name.ts'
export type { AnAddress } from './parse-address.ts'
export type { InvalidNameReason } from './errors.ts'
export { InvalidNameError } from './errors.ts'
export { parseAddress, formatAddress, toUnicodeAddress } from './parse-address.ts'
export {
  parseSiteName,
  formatSiteName,
  rootSiteName,
  isSubdomain,
  toUnicodeSiteName,
} from './site-name.ts'
export { toOriginLabel, fromOriginLabel } from './origin-label.ts'
export { normaliseLabel, labelToUnicode } from './labels.ts'
export { punycodeEncode, punycodeDecode } from './punycode.ts'
export {
  MAX_LABEL_LENGTH,
  MAX_SITE_NAME_LENGTH,
  MAX_SUBDOMAINS,
  MAX_ADDRESS_LENGTH,
  MAX_ORIGIN_LABEL_LENGTH,
  SCHEME,
  WEB_SCHEME,
  ACE_PREFIX,
  ORIGIN_LABEL_XN_FLAG,
} from './constants.ts'
