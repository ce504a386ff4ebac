/**
 * One row of the relay's option table and how a raw value becomes a setting: the kinds of
 * values (ports, durations, sizes, multiaddrs…), the environment variable of each flag, and
 * each default as `--help` shows it. The rows themselves live with what they configure.
 * @module
 */
import { isIP } from 'node:net'
import { resolve } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { ConfigError } from './errors.ts'

export type OptionKind =
  | 'string'
  | 'path'
  | 'host'
  | 'port'
  | 'count'
  | 'duration'
  | 'bytes'
  | 'bool'
  | 'multiaddrs'
  | 'list'
  | 'enum'

/** One row of the option table: a setting, its flag, how it is read and its `--help` line. */
export interface OptionSpec<K extends string = string> {
  /** The setting it fills. */
  key: K
  flag: string
  kind: OptionKind
  doc: string
  default?: unknown
  values?: readonly string[]
}

/** The environment variable of a flag: `--http-port` → `ALTERNET_RELAY_HTTP_PORT`. */
export function envName(flag: string): string {
  return `ALTERNET_RELAY_${flag.toUpperCase().replaceAll('-', '_')}`
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
}

/**
 * Reads one option's raw value (a flag's text, an environment variable, a config file's JSON
 * value) into its setting; throws `ConfigError` naming `source` when it is not valid.
 */
export function readOption(spec: OptionSpec, raw: unknown, source: string): unknown {
  const where = `${source === 'flag' ? `--${spec.flag}` : source}`
  const bad = (why: string): never => {
    throw new ConfigError(`${where}: ${why} (got ${JSON.stringify(raw)})`)
  }
  const str = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw
  switch (spec.kind) {
    case 'string':
    case 'path':
      if (typeof str !== 'string' || str === '') bad('expected a non-empty value')
      return spec.kind === 'path' ? resolve(str as string) : str
    case 'host':
      if (typeof str !== 'string' || isIP(str) === 0)
        bad('expected an IPv4 or IPv6 address to bind to')
      return str
    case 'port': {
      const n = Number(str)
      if (typeof str !== 'string' || !/^\d+$/.test(str) || n > 65535)
        bad('expected a port number 0-65535')
      return n
    }
    case 'count': {
      const n = Number(str)
      if (typeof str !== 'string' || !/^\d+$/.test(str) || !Number.isSafeInteger(n))
        bad('expected a whole number')
      return n
    }
    case 'duration': {
      const m = typeof str === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(str) : null
      if (m == null)
        return bad('expected a duration such as 500ms, 30s, 5m, 1h (a bare number is ms)')
      return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms'])
    }
    case 'bytes': {
      const m = typeof str === 'string' ? /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(str) : null
      const unit = m == null ? undefined : BYTE_UNITS[m[2].toLowerCase()]
      if (m == null || unit == null) return bad('expected a size such as 4096, 64KiB, 256MiB')
      return Math.round(Number(m[1]) * unit)
    }
    case 'bool':
      if (raw === true || str === 'true' || str === '1') return true
      if (raw === false || str === 'false' || str === '0' || str === '') return false
      return bad('expected true or false')
    case 'enum':
      if (typeof str !== 'string' || !spec.values!.includes(str))
        bad(`expected one of ${spec.values!.join(', ')}`)
      return str
    case 'list': {
      const items = Array.isArray(raw)
        ? raw
        : typeof raw === 'string'
          ? [raw]
          : bad('expected a list')
      return items
        .flatMap((item) => (typeof item === 'string' ? item.split(/[\s,]+/) : bad('expected text')))
        .filter(Boolean)
    }
    case 'multiaddrs': {
      const items = Array.isArray(raw)
        ? raw
        : typeof raw === 'string'
          ? raw.split(/[\s,]+/).filter(Boolean)
          : bad('expected multiaddrs')
      return items.map((item) => {
        if (typeof item !== 'string') return bad('expected multiaddr strings')
        try {
          return multiaddr(item)
        } catch {
          return bad(`not a multiaddr: ${item}`)
        }
      })
    }
  }
}

/** An option's default as `--help` shows it: durations and sizes in their largest whole unit. */
export function showDefault(spec: OptionSpec): string {
  const value = spec.default as number
  if (spec.kind === 'duration') {
    for (const [unit, ms] of [
      ['d', 86_400_000],
      ['h', 3_600_000],
      ['m', 60_000],
      ['s', 1000],
    ] as const)
      if (value >= ms && value % ms === 0) return `${value / ms}${unit}`
    return `${value}ms`
  }
  if (spec.kind === 'bytes') {
    for (const [unit, n] of [
      ['GiB', 1024 ** 3],
      ['MiB', 1024 ** 2],
      ['KiB', 1024],
    ] as const)
      if (value >= n && value % n === 0) return `${value / n}${unit}`
  }
  return String(spec.default)
}
