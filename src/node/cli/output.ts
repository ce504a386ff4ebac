/**
 * What `alternet` prints: results as text lines or, with `--json`, one JSON document on stdout;
 * failures on stderr in the error registry's words (never an error's class name) or, with
 * `--json`, as `{ "error": { "code", "title", "explanation", "action", "message" } }`.
 * @module
 */
import { errorEntry, errorNameOf, isKnownError } from '../../core/errors/index.ts'
import { exitCodeFor } from './exit-codes.ts'

/** Options every command has. */
export interface GlobalOptions {
  json?: boolean
}

/** Prints a result: `json` as JSON with `--json`, else the `lines`. */
export function printResult(options: GlobalOptions, json: unknown, lines: string[]): void {
  if (options.json === true) process.stdout.write(JSON.stringify(json, null, 2) + '\n')
  else if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n')
}

/** The words for a failure, from the registry (the error's own message where it says more). */
export function describeError(error: unknown): {
  code: string
  title: string
  explanation: string
  action: string
  message?: string
} {
  const name = errorNameOf(error)
  const entry = errorEntry(name)
  const own = error instanceof Error ? error.message : undefined
  const showOwn =
    entry.showOwn === true ||
    entry.kind === 'storage' ||
    entry.kind === 'relay' ||
    !isKnownError(name)
  return {
    code: isKnownError(name) ? name : 'UnknownError',
    title: entry.title,
    explanation: entry.explanation,
    action: entry.action,
    ...(showOwn && own !== undefined && own !== '' ? { message: own } : {}),
  }
}

/** Reports `error` on stderr and returns the exit code. */
export function reportError(
  options: GlobalOptions,
  error: unknown,
  code = exitCodeFor(error),
): number {
  const words = describeError(error)
  if (options.json === true) {
    process.stdout.write(JSON.stringify({ error: { ...words, exitCode: code } }, null, 2) + '\n')
  } else {
    const detail = words.message === undefined ? '' : `\n  ${words.message}`
    process.stderr.write(
      `alternet: ${words.title}.${detail}\n  ${words.explanation}\n  ${words.action}\n`,
    )
  }
  return code
}

/** A length of time for people: `3 s`, `5 min`, `2 h`, `4 d`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 120) return `${s} s`
  if (s < 7200) return `${Math.round(s / 60)} min`
  if (s < 172_800) return `${Math.round(s / 3600)} h`
  return `${Math.round(s / 86_400)} d`
}

/** A byte count for people. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`
  return `${(n / 1024 ** 3).toFixed(2)} GiB`
}
