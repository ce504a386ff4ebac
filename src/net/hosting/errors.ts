/**
 * Typed errors of publishing and hosting. Each `name` is the class name and is stable.
 * @module
 */

/** The files given to `publishSite` are not a site: none at all, or an entry of an unknown kind. */
export class InvalidSiteFilesError extends Error {
  override name = 'InvalidSiteFilesError'
}

/** The hashing worker failed in a way that is not one of the content core's typed errors. */
export class HashWorkerError extends Error {
  override name = 'HashWorkerError'
}
