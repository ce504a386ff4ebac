/**
 * People for the peer tests: headless Chromium (playwright-core, the machine's binary), one
 * browser context each (separate storage: separate devices), each page running the harness.
 * @module
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
// @ts-expect-error: a JavaScript module without types
import { findChromium } from '../../../scripts/find-chromium.mjs'
import type { PeerHarness } from './harness.ts'

/** Flags for a quiet headless Chromium. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
/** How long one call into a page may take unless told otherwise. */
export const CALL_TIMEOUT_MS = 60_000

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: (findChromium as () => string)(),
    headless: true,
    args: CHROMIUM_ARGS,
  })
}

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export async function within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

type Api = PeerHarness
type Method = {
  [K in keyof Api]: Api[K] extends (...args: never[]) => unknown ? K : never
}[keyof Api]
type Args<K extends Method> = Api[K] extends (...args: infer A) => unknown ? A : never
type Result<K extends Method> = Api[K] extends (...args: never[]) => infer R ? Awaited<R> : never

/** One person: a browser context with the harness page open. */
export class Person {
  readonly name: string
  readonly context: BrowserContext
  readonly page: Page
  /** Uncaught page errors, for failure messages. */
  readonly errors: string[] = []
  private readonly url: string

  private constructor(name: string, context: BrowserContext, page: Page, url: string) {
    this.name = name
    this.context = context
    this.page = page
    this.url = url
    page.on('pageerror', (error) => this.errors.push(String(error)))
  }

  /** A new context (fresh storage) with the harness page at `url` loaded. */
  static async open(browser: Browser, name: string, url: string): Promise<Person> {
    const context = await browser.newContext()
    const page = await context.newPage()
    const person = new Person(name, context, page, url)
    await person.load()
    return person
  }

  /** Loads (or reloads) the page and waits for the harness. */
  async load(reload = false): Promise<void> {
    if (reload) await this.page.reload({ waitUntil: 'load' })
    else await this.page.goto(this.url, { waitUntil: 'load' })
    await this.page.waitForFunction(() => 'peerHarness' in globalThis, undefined, {
      timeout: 30_000,
    })
  }

  /** Calls `window.peerHarness[method](...args)` in the page, bounded in time. */
  call<K extends Method>(method: K, ...args: Args<K>): Promise<Result<K>> {
    return this.callWithin(CALL_TIMEOUT_MS, method, ...args)
  }

  /** `call` with its own time bound. */
  callWithin<K extends Method>(ms: number, method: K, ...args: Args<K>): Promise<Result<K>> {
    const run = this.page.evaluate(
      ({ method, args }) => {
        const api = (
          globalThis as unknown as { peerHarness: Record<string, (...a: unknown[]) => unknown> }
        ).peerHarness
        return api[method](...args)
      },
      { method: method as string, args: args as unknown[] },
    ) as Promise<Result<K>>
    return within(`${this.name}.${String(method)}`, ms, run)
  }

  /** Calls `window.peerHarness.raw[method](...args)` (the bare data channel). */
  raw<K extends keyof Api['raw']>(
    method: K,
    ...args: Api['raw'][K] extends (...a: infer A) => unknown ? A : never
  ): Promise<Api['raw'][K] extends (...a: never[]) => infer R ? Awaited<R> : never> {
    const run = this.page.evaluate(
      ({ method, args }) => {
        const api = (
          globalThis as unknown as {
            peerHarness: { raw: Record<string, (...a: unknown[]) => unknown> }
          }
        ).peerHarness.raw
        return api[method](...args)
      },
      { method: method as string, args: args as unknown[] },
    )
    return within(`${this.name}.raw.${String(method)}`, CALL_TIMEOUT_MS, run) as never
  }

  /** Stops the peer (best effort) and closes the context. */
  async close(): Promise<void> {
    await within(`${this.name} stop`, 10_000, this.call('stop')).catch(() => undefined)
    await this.context.close().catch(() => undefined)
  }
}
