/**
 * Assertions that work unchanged in Node and in the browser.
 * @module
 */

/** Thrown when an assertion does not hold. */
export class AssertionError extends Error {
  override name = 'AssertionError'
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) {
    const hex = Array.from(value.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join('')
    return `Uint8Array(${value.length})[${hex}${value.length > 32 ? '…' : ''}]`
  }
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value)
  } catch {
    return String(value)
  }
}

/** Deep structural equality: plain objects, arrays, typed arrays, Map, Set, Date, primitives. */
export function isDeepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) return false
    if (a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    return x.every((v, i) => v === y[i])
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false
    for (const [k, v] of a) if (!b.has(k) || !isDeepEqual(v, b.get(k))) return false
    return true
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false
    for (const v of a) if (!b.has(v)) return false
    return true
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false
    if (!isDeepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
      return false
  }
  return true
}

/** Fails unless `value` is truthy. */
export function ok(value: unknown, message?: string): asserts value {
  if (!value) throw new AssertionError(message ?? `expected a truthy value, got ${show(value)}`)
}

/** Fails unless `actual` is `expected` (Object.is). */
export function equal<T>(actual: unknown, expected: T, message?: string): asserts actual is T {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(message ?? `expected ${show(expected)}, got ${show(actual)}`)
  }
}

/** Fails when `actual` is `expected` (Object.is). */
export function notEqual(actual: unknown, expected: unknown, message?: string): void {
  if (Object.is(actual, expected))
    throw new AssertionError(message ?? `expected anything but ${show(expected)}`)
}

/** Fails unless `actual` and `expected` are deeply equal. */
export function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!isDeepEqual(actual, expected)) {
    throw new AssertionError(message ?? `expected ${show(expected)}, got ${show(actual)}`)
  }
}

/** Fails unless `text` matches `pattern`. */
export function match(text: string, pattern: RegExp, message?: string): void {
  if (!pattern.test(text))
    throw new AssertionError(message ?? `expected ${show(text)} to match ${pattern}`)
}

function checkError(error: unknown, name: string | undefined): unknown {
  if (name !== undefined) {
    const actual = (error as { name?: unknown } | null)?.name
    if (actual !== name) {
      throw new AssertionError(
        `expected an error named ${name}, got ${String(actual)}: ${String((error as Error)?.message)}`,
      )
    }
  }
  return error
}

/** Fails unless `fn` throws; with `name`, unless the error's `name` is `name`. Returns the error. */
export function throws(fn: () => unknown, name?: string): unknown {
  try {
    fn()
  } catch (error) {
    return checkError(error, name)
  }
  throw new AssertionError(`expected ${name ?? 'an error'} to be thrown`)
}

/** Fails unless `promise` (or `fn()`) rejects; with `name`, with an error of that `name`. */
export async function rejects(
  promise: Promise<unknown> | (() => Promise<unknown>),
  name?: string,
): Promise<unknown> {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (error) {
    return checkError(error, name)
  }
  throw new AssertionError(`expected ${name ?? 'a rejection'}`)
}
