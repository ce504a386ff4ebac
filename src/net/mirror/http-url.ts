/**
 * Which HTTP block URLs a page may take from a mirror's answer (`MirrorStatus.http`): `https`
 * ones, and `http` ones only on loopback, where browsers count them as secure and a page on
 * `https` may still load them (anything else would be mixed content, or bytes in the clear).
 * The bytes are verified either way; the rule keeps requests off the plain network.
 * @module
 */

/** Host names that always mean this machine. */
function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(hostname) ||
    hostname === '[::1]'
  )
}

/** The origin (`https://host[:port]`) to read a mirror's blocks from, or undefined when none may be used. */
export function usableBlocksUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  if (url.username !== '' || url.password !== '') return undefined
  if (url.protocol === 'https:') return url.origin
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url.origin
  return undefined
}
