/**
 * Limits of the `an://` name grammar. See docs/PROTOCOL.md, "Limits".
 * @module
 */

/** Longest label (subdomain, name or topic) in ASCII (Punycode) form, as in DNS (RFC 1035). */
export const MAX_LABEL_LENGTH = 63

/** Longest canonical site name `sub.name:topic` in ASCII form, as a DNS name (RFC 1035). */
export const MAX_SITE_NAME_LENGTH = 253

/** Most subdomain labels in front of the name: `a.b.c.name:topic` has 3. */
export const MAX_SUBDOMAINS = 8

/** Longest address input, in UTF-8 bytes, before any decoding (a URL length browsers all handle). */
export const MAX_ADDRESS_LENGTH = 2048

/**
 * Longest origin label: one DNS label. A site whose origin label would be longer is not a valid
 * name (it could never be opened in a browser), so this is the length limit that binds.
 */
export const MAX_ORIGIN_LABEL_LENGTH = 63

/** The canonical scheme, written as `an://`. */
export const SCHEME = 'an'

/** The scheme a web app may claim with `navigator.registerProtocolHandler`. */
export const WEB_SCHEME = 'web+an'

/** Prefix of a Punycode-encoded label (RFC 5890 A-label). */
export const ACE_PREFIX = 'xn--'

/** Marks an origin label whose plain encoding would start with `xn--`; see {@link toOriginLabel}. */
export const ORIGIN_LABEL_XN_FLAG = '----'
