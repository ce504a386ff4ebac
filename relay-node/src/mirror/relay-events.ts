/**
 * What a mirror learns from its connections: a peer whose identify advertises taking uploads
 * is an identified relay (with the address block it connects from); a relay whose last
 * connection closes is marked gone, left out of the live view at once, and placement is looked
 * at again soon, so the next closest relay restores the R copies; a relay marked gone that
 * connects again is counted again.
 * @module
 */
import type { IdentifyResult, PeerId } from '@libp2p/interface'
import { sourceOf } from '../source-subnet.ts'
import { MIRROR_PROTOCOL, MIRROR_UPLOAD_PROTOCOL } from './constants.ts'
import type { MirrorState } from './mirror-state.ts'

/** Watches the relay's connections for one mirror. */
export class RelayEvents {
  private readonly state: MirrorState
  private readonly rescanSoon: () => void

  private readonly onIdentify = (event: CustomEvent<IdentifyResult>): void => {
    const { peerId, protocols, connection } = event.detail
    const id = peerId.toString()
    const { state } = this
    if (protocols.includes(MIRROR_UPLOAD_PROTOCOL)) {
      state.relays.set(id, sourceOf(connection.remoteAddr, state.init.sourcePrefixes))
      // A relay the live view lacks (it joined after the view was taken): the next placement,
      // upload or hand-on counts it, instead of placing copies by a short view.
      if (!state.view.isLive(id)) state.view.forget(id)
    } else state.relays.delete(id)
  }

  /**
   * A peer's last connection closed. A relay is marked gone and left out of the live view at
   * once (a status question to a relay that died would wait for a dial timeout), and placement
   * is looked at again soon, so the next closest relay restores the R copies. It is no longer
   * an identified relay (a relay's identify on its next connection counts it again).
   */
  private readonly onDisconnect = (event: CustomEvent<PeerId>): void => {
    const { state } = this
    const id = event.detail.toString()
    const source = state.relays.get(id)
    if (source !== undefined) {
      state.relays.delete(id)
      state.gone.mark(id, source)
      state.view.forget(id)
    }
    void state.init.node.peerStore
      .get(event.detail)
      .then((info) => {
        if (info.protocols.includes(MIRROR_PROTOCOL)) this.rescanSoon()
      })
      .catch(() => undefined)
  }

  /** A relay marked gone connected again: the next view of the live relays counts it. */
  private readonly onConnect = (event: CustomEvent<PeerId>): void => {
    const id = event.detail.toString()
    if (this.state.gone.delete(id)) this.state.view.forget(id)
  }

  constructor(state: MirrorState, rescanSoon: () => void) {
    this.state = state
    this.rescanSoon = rescanSoon
  }

  start(): void {
    const { node } = this.state.init
    node.addEventListener('peer:disconnect', this.onDisconnect)
    node.addEventListener('peer:connect', this.onConnect)
    node.addEventListener('peer:identify', this.onIdentify)
  }

  stop(): void {
    const { node } = this.state.init
    node.removeEventListener('peer:disconnect', this.onDisconnect)
    node.removeEventListener('peer:connect', this.onConnect)
    node.removeEventListener('peer:identify', this.onIdentify)
  }
}
