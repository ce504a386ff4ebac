/**
 * One test API for spec files that run in Node (node:test) and in the browser (mocha, through
 * @web/test-runner). Spec files import `describe`, `it`, `before`, `after` from here.
 * @module
 */

type Fn = () => unknown | Promise<unknown>
interface Api {
  describe: (name: string, fn: () => void) => void
  it: (name: string, fn: Fn) => void
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
/** One spec: fails when `fn` throws or rejects. */
export const it: Api['it'] = (name, fn) => api.it(name, fn)
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
