/**
 * Structured logs: one JSON object a line, `{ time, level, msg, ...fields }`, on stderr by
 * default so stdout stays free for the startup line.
 * @module
 */

/** Log levels, least to most severe. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
/** One log level; `silent` prints nothing. */
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Extra fields of one log line. */
export type LogFields = Record<string, unknown>

/** A levelled JSON-line logger. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

/** Where log lines go. */
export interface LogSink {
  write(line: string): unknown
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message }
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  if (
    value != null &&
    typeof value === 'object' &&
    'toString' in value &&
    value.constructor?.name !== 'Object' &&
    !Array.isArray(value)
  ) {
    return String(value)
  }
  return value
}

/** A logger printing lines at `level` and above to `sink` (stderr by default). */
export function createLogger(level: LogLevel, sink: LogSink = process.stderr): Logger {
  const threshold = LOG_LEVELS.indexOf(level)
  const emit = (at: LogLevel, msg: string, fields?: LogFields): void => {
    if (LOG_LEVELS.indexOf(at) < threshold) return
    const line: Record<string, unknown> = { time: new Date().toISOString(), level: at, msg }
    if (fields != null) for (const [k, v] of Object.entries(fields)) line[k] = serialise(v)
    sink.write(JSON.stringify(line, (_k, v: unknown) => serialise(v)) + '\n')
  }
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  }
}
