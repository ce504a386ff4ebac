/**
 * What the shell takes from a site's own reports (a document it was served, which way it
 * scrolled): hints from the site, each checked in shape and size before the UI hears of it. They
 * never change which site the shell shows. See docs/ORIGINS.md, "Who checks what".
 * @module
 */
import { MAX_REQUEST_PATH_LENGTH } from '../shared/constants.ts'
import type { DocumentServed, SiteScrolled } from '../shared/protocol.ts'
import type { SiteDocumentDetail, SiteScrollDetail } from './bridge-host-types.ts'

const DOCUMENT_ERROR = /^[A-Za-z][A-Za-z0-9]{0,63}$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/

/** The `document` event's detail for `site`, or undefined when the report is malformed. */
export function documentDetail(site: string, data: DocumentServed): SiteDocumentDetail | undefined {
  if (
    typeof data.path !== 'string' ||
    !data.path.startsWith('/') ||
    data.path.length > MAX_REQUEST_PATH_LENGTH
  )
    return undefined
  if (typeof data.status !== 'number') return undefined
  const detail: SiteDocumentDetail = {
    site,
    path: data.path,
    address: `an://${site}${data.path}`,
    status: data.status,
  }
  if (typeof data.offlineCopy === 'string' && ISO_DATE.test(data.offlineCopy))
    detail.offlineCopy = data.offlineCopy
  if (typeof data.error === 'string' && DOCUMENT_ERROR.test(data.error)) detail.error = data.error
  return detail
}

/** The `scroll` event's detail for `site`: a direction and nothing else, or undefined. */
export function scrollDetail(site: string, data: SiteScrolled): SiteScrollDetail | undefined {
  if (data.direction !== 'up' && data.direction !== 'down') return undefined
  return { site, direction: data.direction }
}
