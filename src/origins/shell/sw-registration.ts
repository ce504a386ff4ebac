/**
 * The page's side of the app-shell service worker (workbox-window): registers `/sw.js`,
 * announces a new version waiting to take over, and applies it on the user's consent.
 *
 * Events of the returned object:
 * - `offline-ready`: the shell is precached; the app now starts with no network.
 * - `update-available`: a new version is installed and waits; show "Update available" and
 *   call `applyUpdate()` when the person agrees.
 * - `error` (CustomEvent<Error>): registration failed.
 *
 * @example
 * ```ts
 * const sw = registerAppServiceWorker()
 * sw.addEventListener('update-available', () => showUpdatePrompt(() => sw.applyUpdate()))
 * ```
 * @module
 */
import { Workbox } from 'workbox-window'
import { APP_VERSION } from '../shared/build-info.ts'
import { APP_SW_PATH } from '../shared/constants.ts'

/** What the app-shell service worker says about itself. */
export interface ShellWorkerInfo {
  /** The version label of the worker's build. */
  version: string
  /** The precache it serves the shell from. */
  cacheName: string
}

/** The app-shell service worker as the page sees it. */
export interface AppServiceWorker extends EventTarget {
  /** False where the browser has no service workers (then nothing works offline; say so). */
  readonly supported: boolean
  /** True once a new version waits for `applyUpdate()`. */
  readonly updateAvailable: boolean
  /** This page's own version label. */
  readonly pageVersion: string
  /** Asks the server for a new version now (browsers also check on navigation). */
  checkForUpdate(): Promise<void>
  /** Lets the waiting version take over, then reloads the page. */
  applyUpdate(): Promise<void>
  /** Version and cache of the worker that controls this page; undefined when none does. */
  controllerInfo(): Promise<ShellWorkerInfo | undefined>
}

/** Options of {@link registerAppServiceWorker}. */
export interface RegisterOptions {
  /** @default '/sw.js' */
  scriptUrl?: string
  /** Called once the new version controls the page. @default () => location.reload() */
  reload?: () => void
  /**
   * Registers once this settles, not at once: the worker's install fetches the whole shell
   * (the node's chunk, the editor, the hash worker) into its precache, which should not compete
   * with the page's own start. @default registers at once
   */
  registerAfter?: Promise<unknown>
}

/** Registers the app-shell service worker. Call once, from the app's entry point. */
export function registerAppServiceWorker(options: RegisterOptions = {}): AppServiceWorker {
  return new ShellWorker(options)
}

class ShellWorker extends EventTarget implements AppServiceWorker {
  readonly supported = typeof navigator !== 'undefined' && 'serviceWorker' in navigator
  readonly pageVersion = APP_VERSION
  updateAvailable = false
  private readonly wb: Workbox | undefined
  private readonly reload: () => void

  constructor(options: RegisterOptions) {
    super()
    this.reload = options.reload ?? (() => location.reload())
    if (!this.supported) return
    const wb = new Workbox(options.scriptUrl ?? APP_SW_PATH, { scope: '/', updateViaCache: 'none' })
    this.wb = wb
    wb.addEventListener('waiting', () => {
      this.updateAvailable = true
      this.dispatchEvent(new Event('update-available'))
    })
    wb.addEventListener('activated', (event) => {
      if (!event.isUpdate) this.dispatchEvent(new Event('offline-ready'))
    })
    void (options.registerAfter ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => wb.register({ immediate: true }))
      .catch((error: unknown) => {
        this.dispatchEvent(new CustomEvent('error', { detail: error }))
      })
  }

  async checkForUpdate(): Promise<void> {
    await this.wb?.update()
  }

  async applyUpdate(): Promise<void> {
    if (this.wb === undefined || !this.updateAvailable) return
    this.wb.addEventListener('controlling', () => this.reload())
    this.wb.messageSkipWaiting()
  }

  async controllerInfo(): Promise<ShellWorkerInfo | undefined> {
    const controller = navigator.serviceWorker?.controller
    if (controller == null) return undefined
    const channel = new MessageChannel()
    const reply = new Promise<ShellWorkerInfo>((resolve) => {
      channel.port1.onmessage = (event: MessageEvent<ShellWorkerInfo>) => resolve(event.data)
    })
    controller.postMessage({ type: 'GET_VERSION' }, [channel.port2])
    return reply
  }
}
