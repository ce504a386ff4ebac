/**
 * `alternet publish DIR --name NAME:TOPIC --api URL`: publishes through a relay's registrar API
 * (`publishThroughApi`) with the token from `--token-file` or `ALTERNET_API_TOKEN`, and prints
 * the `an://` address and the share link as `publish` does.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { InvalidArgumentError } from 'commander'
import { parseAddress } from '../../../core/names/index.ts'
import type { PathFile } from '../../../net/hosting/index.ts'
import { publishThroughApi } from '../../api/publish-through-api.ts'
import { printResult, type GlobalOptions } from '../output.ts'
import { KEY_PASSPHRASE_ENV } from '../passphrase.ts'
import { shareLink } from '../share-link.ts'

/** Environment variable with the registrar API token, used when no `--token-file` is given. */
export const API_TOKEN_ENV = 'ALTERNET_API_TOKEN'

/** The options of `publish` that go through the API. */
export interface ApiOptions extends GlobalOptions {
  api?: string
  tokenFile?: string
  dataDir: string
}

/** The token: the first line of `--token-file`, else `ALTERNET_API_TOKEN`; a usage error when neither. */
async function tokenOf(options: ApiOptions): Promise<string> {
  if (options.tokenFile !== undefined) {
    let text: string
    try {
      text = await readFile(options.tokenFile, 'utf8')
    } catch {
      throw new InvalidArgumentError(`cannot read the token file ${options.tokenFile}`)
    }
    const token = text.split('\n')[0]!.trim()
    if (token === '') throw new InvalidArgumentError(`the token file ${options.tokenFile} is empty`)
    return token
  }
  const token = process.env[API_TOKEN_ENV]?.trim()
  if (token === undefined || token === '')
    throw new InvalidArgumentError(
      `give the API token with --token-file FILE (or set ${API_TOKEN_ENV})`,
    )
  return token
}

/** Publishes `files` as `site` through the API the options name, and prints the result. */
export async function publishApi(
  site: string,
  files: PathFile[],
  options: ApiOptions & { api: string },
): Promise<void> {
  let api: URL
  try {
    api = new URL(options.api)
  } catch {
    throw new InvalidArgumentError(`--api takes a relay's web address, not ${options.api}`)
  }
  if (api.protocol !== 'https:' && api.protocol !== 'http:')
    throw new InvalidArgumentError(`--api takes an http(s):// address, not ${options.api}`)
  const keyPassphrase = process.env[KEY_PASSPHRASE_ENV]
  const result = await publishThroughApi({
    dataDir: options.dataDir,
    site,
    files,
    api: api.href,
    token: await tokenOf(options),
    ...(keyPassphrase ? { keyPassphrase } : {}),
  })
  const address = parseAddress(`an://${result.site}`).href
  const link = shareLink([api.href], address)
  printResult(
    options,
    {
      address,
      shareLink: link ?? null,
      root: result.root,
      seq: result.record.body.seq,
      files: result.files,
      bytes: result.bytes,
      relay: api.origin,
      blocks: result.blocks,
      received: result.received,
    },
    [
      address,
      ...(link === undefined ? [] : [link]),
      `${result.files} file(s), ${result.bytes} bytes, content ${result.root}`,
      `published through ${api.origin}: ${result.received} of ${result.blocks} block(s) sent, the relay mirrors it`,
    ],
  )
}
