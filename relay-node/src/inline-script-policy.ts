/**
 * The `script-src` of a page of the built app whose scripts are inline (the bridge page): the
 * SHA-256 of each, read from the file once per version of it, so the relay's CSP lets exactly
 * the build's scripts run and no other. See docs/ORIGINS.md, "Headers".
 * @module
 */
import { readFile, stat } from 'node:fs/promises'
import { inlineScriptPolicy } from '@alternet/origins/shared'

/** Per file: its version (size and time) and the policy read from it. */
const policies = new Map<string, { version: string; policy: Promise<string | undefined> }>()

/** The `script-src` directive for the inline scripts of `file`; undefined when it has none, or is no file. */
export async function inlineScriptPolicyOf(file: string): Promise<string | undefined> {
  const info = await stat(file).catch(() => undefined)
  if (info === undefined || !info.isFile()) return undefined
  const version = `${info.size}-${info.mtimeMs}`
  let kept = policies.get(file)
  if (kept?.version !== version) {
    kept = { version, policy: readFile(file, 'utf8').then(inlineScriptPolicy) }
    policies.set(file, kept)
  }
  return kept.policy.catch(() => undefined)
}
