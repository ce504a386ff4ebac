/**
 * A reactive controller that re-renders its host whenever the session changes.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { AlternetSession } from './alternet-session.ts'

/** Subscribes a host element to an `AlternetSession` while it is connected. */
export class SessionController implements ReactiveController {
  private readonly host: ReactiveControllerHost
  private readonly session: () => AlternetSession | undefined
  private subscribed: AlternetSession | undefined
  private readonly onChange = (): void => this.host.requestUpdate()

  /** `session` is read on connect and on every update, so the host may receive it later. */
  constructor(host: ReactiveControllerHost, session: () => AlternetSession | undefined) {
    this.host = host
    this.session = session
    host.addController(this)
  }

  hostConnected(): void {
    this.subscribe()
  }

  hostUpdate(): void {
    this.subscribe()
  }

  hostDisconnected(): void {
    this.subscribed?.removeEventListener('change', this.onChange)
    this.subscribed = undefined
  }

  private subscribe(): void {
    const session = this.session()
    if (session === this.subscribed) return
    this.subscribed?.removeEventListener('change', this.onChange)
    this.subscribed = session
    session?.addEventListener('change', this.onChange)
  }
}
