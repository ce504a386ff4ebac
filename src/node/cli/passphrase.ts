/**
 * The passphrase of a key file: `ALTERNET_PASSPHRASE` for scripts, else asked on the terminal
 * (not echoed). With neither, `PassphraseRequiredError`.
 * @module
 */
import { PassphraseRequiredError } from './errors.ts'

/** Environment variable holding the key file passphrase, for scripts. */
export const PASSPHRASE_ENV = 'ALTERNET_PASSPHRASE'
/** Environment variable holding the passphrase that encrypts the owner key at rest. */
export const KEY_PASSPHRASE_ENV = 'ALTERNET_KEY_PASSPHRASE'

/** Reads a line from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  const input = process.stdin
  return new Promise((resolve, reject) => {
    // Echo goes off before the prompt shows: what is typed as soon as it shows is never echoed.
    input.setRawMode(true)
    process.stderr.write(prompt)
    let text = ''
    input.resume()
    input.setEncoding('utf8')
    const done = (error?: Error): void => {
      input.setRawMode(false)
      input.pause()
      input.off('data', onData)
      process.stderr.write('\n')
      if (error) reject(error)
      else resolve(text)
    }
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done()
        if (ch === '\u0003') return done(new DOMException('Stopped', 'AbortError'))
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1)
        else text += ch
      }
    }
    input.on('data', onData)
  })
}

/** The passphrase: from the environment, else asked (twice when `confirm`, for a new file). */
export async function readPassphrase(what: string, confirm = false): Promise<string> {
  const fromEnv = process.env[PASSPHRASE_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (!process.stdin.isTTY)
    throw new PassphraseRequiredError(`set ${PASSPHRASE_ENV} or run in a terminal (${what})`)
  for (;;) {
    const first = await askHidden(`Passphrase for ${what}: `)
    if (!confirm) return first
    if ((await askHidden('Same passphrase again: ')) === first) return first
    process.stderr.write('The two passphrases differ; try again.\n')
  }
}
