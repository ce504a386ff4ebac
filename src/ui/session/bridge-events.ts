/**
 * A controller that keeps an element subscribed to the `document` and `scroll` events of the
 * session's bridges (the bridges appear once the session opens them).
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { SiteDocumentDetail, SiteScrollDetail } from '../../origins/shell/bridge-host-types.ts'
import type { AlternetSession } from './alternet-session.ts'

/** What the element does with each event's detail. */
export interface BridgeEventHandlers {
  /** The site frame was answered a document. */
  document(detail: SiteDocumentDetail): void
  /** A site's frame was scrolled, this way. */
  scroll(detail: SiteScrollDetail): void
}

/** Subscribes its host to the session's bridges' events, following the session. */
export class BridgeEvents implements ReactiveController {
  private subscribed: EventTarget | undefined
  private readonly session: () => AlternetSession | undefined
  private readonly onDocument: (event: Event) => void
  private readonly onScroll: (event: Event) => void

  constructor(
    host: ReactiveControllerHost,
    session: () => AlternetSession | undefined,
    handlers: BridgeEventHandlers,
  ) {
    this.session = session
    this.onDocument = (event) =>
      handlers.document((event as CustomEvent<SiteDocumentDetail>).detail)
    this.onScroll = (event) => handlers.scroll((event as CustomEvent<SiteScrollDetail>).detail)
    host.addController(this)
  }

  hostUpdate(): void {
    const bridges = this.session()?.bridges
    if (bridges === this.subscribed) return
    this.unsubscribe()
    bridges?.addEventListener('document', this.onDocument)
    bridges?.addEventListener('scroll', this.onScroll)
    this.subscribed = bridges
  }

  hostDisconnected(): void {
    this.unsubscribe()
  }

  private unsubscribe(): void {
    this.subscribed?.removeEventListener('document', this.onDocument)
    this.subscribed?.removeEventListener('scroll', this.onScroll)
    this.subscribed = undefined
  }
}
