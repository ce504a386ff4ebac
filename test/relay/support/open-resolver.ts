/**
 * The gateway's resolver for specs that give it its records directly: every site servable, no
 * registrar, no name revoked and no root blocked, so only the records decide.
 * @module
 */
import {
  SiteResolver,
  type SiteResolverInit,
} from '../../../relay-node/src/gateway/resolve-site.ts'

/** A `SiteResolver` over `records` that refuses nothing; `now` is its clock when given. */
export function openResolver(
  records: SiteResolverInit['records'],
  now?: () => number,
): SiteResolver {
  return new SiteResolver({
    records,
    policy: { isServable: async () => true },
    permissions: {
      registrars: [],
      isRevokedName: () => false,
      isBlockedRoot: () => false,
      revocationFor: () => undefined,
    },
    ...(now === undefined ? {} : { now }),
  })
}
