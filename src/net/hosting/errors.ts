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

/**
 * Stopping hosting failed before anything was deleted: the site's record could not be signed
 * again without this device (no relay took it, another key holds the name...). The site is
 * still hosted here and its record still lists this device; try again. `cause` is the naming
 * service's error.
 */
export class StopHostingError extends Error {
  override name = 'StopHostingError'
  /** The canonical site name. */
  readonly site: string
  constructor(site: string, cause: unknown) {
    const reason = cause instanceof Error ? ` (${cause.name}: ${cause.message})` : ''
    super(
      `The record of "${site}" could not be updated to stop naming this device as a host${reason}. Nothing was deleted and the site is still hosted here; try again once a relay is connected.`,
      { cause },
    )
    this.site = site
  }
}
