/**
 * What the shell, the site-origin pages, the service workers and the relay share about site
 * origins: every `/__an/` path, the security headers of each kind of page, where a site lives
 * (`siteOrigin`, `viewerUrl`), the shell ↔ bridge ↔ worker messages and the port streams that
 * carry response bodies. Runs in the page, the service worker and Node; the relay imports it as
 * `@alternet/origins/shared`. See docs/ORIGINS.md.
 *
 * @example
 * ```ts
 * import { SITE_CLEAR_PATH, siteOrigin, viewerUrl } from '@alternet/origins/shared'
 *
 * siteOrigin('mysite:code', 'http://an.localhost:8780') // 'http://mysite--code.an.localhost:8780'
 * viewerUrl('http://an.localhost:8780', 'mysite:code', '/a?b') // 'http://an.localhost:8780/#/view/an://mysite:code/a?b'
 * ```
 * @module
 */
export * from './build-info.ts'
export * from './constants.ts'
export * from './errors.ts'
export * from './port-stream.ts'
export * from './protocol.ts'
export * from './security-headers.ts'
export * from './site-origin.ts'
