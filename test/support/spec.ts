/**
 * One test API for spec files that run in Node (node:test) and in the browser (mocha, through
 * @web/test-runner). Spec files import `describe`, `it`, `before`, `after` from here.
 * @module
 */

type Fn = () => unknown | Promise<unknown>
/** What a spec may ask of its runner. */
export interface SpecContext {
  /** Ends the spec as skipped, never as passed: nothing was checked. */
  skip(message?: string): void
}
type SpecFn = (t: SpecContext) => unknown | Promise<unknown>
interface Api {
  describe: (name: string, fn: () => void) => void
  it: (name: string, fn: SpecFn) => void
  before: (fn: Fn) => void
  after: (fn: Fn) => void
  beforeEach: (fn: Fn) => void
  afterEach: (fn: Fn) => void
}

const g = globalThis as unknown as Partial<Api> & { mocha?: unknown }

async function load(): Promise<Api> {
  if (typeof g.describe === 'function' && g.mocha != null) {
    return g as Api
  }
  // A variable specifier keeps browser bundlers from trying to resolve node:test.
  const specifier = 'node:test'
  const nodeTest = (await import(/* @vite-ignore */ specifier)) as Api
  return nodeTest
}

const api = await load()

/** Groups specs. */
export const describe: Api['describe'] = (name, fn) => api.describe(name, fn)
/** One spec: fails when `fn` throws or rejects; `t.skip()` reports it skipped. */
export const it: Api['it'] = (name, fn) =>
  g.mocha != null
    ? // Mocha reads a function's arity as "takes a done callback": hand it one of none.
      api.it(name, function (this: { skip(): void }) {
        return fn({ skip: () => this.skip() })
      } as unknown as SpecFn)
    : api.it(name, (t) => fn(t))
/** Runs once before the specs of the enclosing group. */
export const before: Api['before'] = (fn) => api.before(fn)
/** Runs once after the specs of the enclosing group. */
export const after: Api['after'] = (fn) => api.after(fn)
/** Runs before each spec of the enclosing group. */
export const beforeEach: Api['beforeEach'] = (fn) => api.beforeEach(fn)
/** Runs after each spec of the enclosing group. */
export const afterEach: Api['afterEach'] = (fn) => api.afterEach(fn)

/** True when running in a browser page. */
export const inBrowser = g.mocha != null
