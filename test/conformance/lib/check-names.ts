/**
 * Checks one vector of test/vectors/names.json against the spec's rules (lib/names.ts): the
 * verdict and reason, every field of a valid address, and its origin label both ways.
 * @module
 */
import { decodeOriginLabel, encodeOriginLabel, parseAddress } from './names.ts'

/** One vector of names.json, as docs/PROTOCOL.md describes it. */
export interface NameVector {
  input: string
  valid: boolean
  error: string | null
  reason: string | null
  canonical: string | null
  name: string | null
  topic: string | null
  subdomains: string[] | null
  path: string | null
  originLabel: string | null
}

/** What is wrong with `v`, in words; empty when it agrees with the spec. */
export function checkNameVector(v: NameVector): string[] {
  const problems: string[] = []
  const expect = (what: string, got: unknown, want: unknown): void => {
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(
        `${what}: the spec gives ${JSON.stringify(got)}, the vector says ${JSON.stringify(want)}`,
      )
  }
  const parsed = parseAddress(v.input)
  expect('valid', parsed.ok, v.valid)
  if (!parsed.ok) {
    expect('reason', parsed.reason, v.reason)
    expect('error', 'InvalidNameError', v.error)
    for (const field of [
      'canonical',
      'name',
      'topic',
      'subdomains',
      'path',
      'originLabel',
    ] as const)
      expect(field, null, v[field])
    return problems
  }
  expect('error', null, v.error)
  expect('reason', null, v.reason)
  expect('canonical', parsed.canonical, v.canonical)
  expect('name', parsed.name, v.name)
  expect('topic', parsed.topic, v.topic)
  expect('subdomains', parsed.subdomains, v.subdomains)
  expect('path', parsed.path, v.path)
  expect('originLabel', encodeOriginLabel(parsed.site), v.originLabel)
  if (v.originLabel !== null)
    expect('site of originLabel', decodeOriginLabel(v.originLabel), parsed.site)
  const again = parseAddress(parsed.canonical)
  expect('canonical form parsed again', again.ok ? again.canonical : again.reason, parsed.canonical)
  return problems
}
