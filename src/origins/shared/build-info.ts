/**
 * What the build stamps into the app, the bridge and the service workers.
 * @module
 */

declare const __ALTERNET_VERSION__: string | undefined

/** The app's version label (`ALTERNET_VERSION` at build time, else package.json's version); 'dev' unbuilt. */
export const APP_VERSION: string =
  typeof __ALTERNET_VERSION__ === 'string' ? __ALTERNET_VERSION__ : 'dev'
