/**
 * The link a person shares after publishing: the app's viewer of an address on a relay that
 * serves the app. Printed by `publish`, `host` and `publish --api`.
 * @module
 */
import { viewerAddressUrl } from '../../origins/shared/site-origin.ts'

/** The app's viewer link for `address` on the first relay given by URL (its app). */
export function shareLink(relays: string[], address: string): string | undefined {
  const url = relays.find((r) => /^https?:\/\//.test(r))
  return url === undefined ? undefined : viewerAddressUrl(new URL(url).origin, address)
}
