/**
 * The app's default Trusted Types policy. The app's CSP (`require-trusted-types-for 'script'`,
 * src/bridge/security-headers.ts) makes the browser refuse a plain string at every script sink;
 * lit's own policy covers its templates, and this one lets exactly the app's own script URLs
 * through the sinks the app uses with plain URLs: `new Worker(…)` (the hashing worker) and
 * `navigator.serviceWorker.register(…)` (the app's worker, through workbox-window). HTML and
 * inline script strings are refused. Import this module before anything else.
 * @module
 */

/** The name of the default policy (the CSP's `trusted-types` directive lists it). */
export const DEFAULT_POLICY = 'default'

/** Script URLs the policy lets through: same origin as the page, nothing else. */
export function isOwnScriptUrl(url: string, origin: string = location.origin): boolean {
  try {
    return new URL(url, origin).origin === origin
  } catch {
    return false
  }
}

interface TrustedTypePolicyFactoryLike {
  createPolicy(name: string, rules: { createScriptURL?: (input: string) => string | null }): unknown
}

const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactoryLike }).trustedTypes
try {
  factory?.createPolicy(DEFAULT_POLICY, {
    createScriptURL: (input) => (isOwnScriptUrl(input) ? input : null),
  })
} catch {
  // Created already (the module ran twice): the first policy stands.
}
