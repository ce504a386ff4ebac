/**
 * The API's bearer tokens, from the file given by `--api-tokens`: one token a line, optionally
 * followed by a name for the logs (`TOKEN [name]`), `#` starts a comment. Only the SHA-256 of
 * each token is kept; a presented token is hashed and compared with every kept hash with
 * `crypto.timingSafeEqual`, all of them every time, so neither the comparison nor the number
 * of comparisons tells how much of a guess was right.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { ConfigError } from '../errors.ts'
import { trustFileLines } from '../permissions.ts'
import { MAX_API_TOKEN_LINE, MIN_API_TOKEN_LENGTH } from './constants.ts'

interface Token {
  hash: Buffer
  name: string
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

/** The tokens allowed to use the API. */
export class ApiTokens {
  private readonly path: string
  private tokens: Token[] = []
  private mtime = -1

  constructor(path: string) {
    this.path = path
  }

  /** How many tokens are allowed. */
  get size(): number {
    return this.tokens.length
  }

  /**
   * Reads the file again when it changed; throws `ConfigError` when it cannot be read or holds a
   * token shorter than `MIN_API_TOKEN_LENGTH` characters. Returns whether it was read.
   */
  async load(): Promise<boolean> {
    let text: string
    let mtime: number
    try {
      mtime = (await stat(this.path)).mtimeMs
      if (mtime === this.mtime) return false
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      throw new ConfigError(
        `--api-tokens: cannot read ${this.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      )
    }
    const tokens = trustFileLines(text).map((line, i) => {
      const [token, ...name] = line.split(/\s+/)
      if (line.length > MAX_API_TOKEN_LINE || token.length < MIN_API_TOKEN_LENGTH)
        throw new ConfigError(
          `--api-tokens: ${this.path}, entry ${i + 1}: a token needs at least ${MIN_API_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`,
        )
      return { hash: sha256(token), name: name.join(' ') || `token ${i + 1}` }
    })
    this.tokens = tokens
    this.mtime = mtime
    return true
  }

  /** The name of the token in an `Authorization: Bearer …` header, or undefined when none matches. */
  check(authorization: string | undefined): string | undefined {
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '')
    // Hash even a missing token, so a request without one costs the same as one with a wrong one.
    const presented = sha256(m?.[1] ?? '')
    let found: string | undefined
    for (const token of this.tokens)
      if (timingSafeEqual(token.hash, presented) && m !== null) found ??= token.name
    return found
  }
}
