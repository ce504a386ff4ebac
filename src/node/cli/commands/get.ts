/**
 * `alternet get ADDRESS [-o FILE]`: the file at the address, every block verified against the
 * owner's signed record, to stdout or to FILE. The bytes go to a temporary file first and reach
 * FILE (by rename) or stdout only once every block checked out: a tampered or missing block is
 * an error (exit code `EXIT.verificationFailed`) and nothing is written.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import { parseAddress } from '../../../core/names/index.ts'
import { ERROR_HEADER } from '../../../net/fetch/index.ts'
import { errorNameOf } from '../../../core/errors/index.ts'
import { PageNotFoundError } from '../errors.ts'
import { EXIT, withExitCode } from '../exit-codes.ts'
import { printResult } from '../output.ts'
import { closePeer, openPeer, withPeerOptions, type PeerOptions } from '../peer-options.ts'

/** Redirects followed (a folder to its index page, a CNAME's move). */
export const MAX_REDIRECTS = 5

interface GetOptions extends PeerOptions {
  output?: string
}

/** An error named as the response's `x-an-error` says, for the registry's words. */
function responseError(response: Response, address: string): Error {
  const name = response.headers.get(ERROR_HEADER)
  if (name === null && response.status === 404)
    return new PageNotFoundError(`${address} is not in the site.`)
  const error = new Error(`${address}: status ${response.status}`)
  error.name = name ?? 'UnknownError'
  return error
}

/**
 * A failure to get the bytes of a file whose manifest checked out: an altered block, or one no
 * source holds. Either way not the file the owner signed: the verification code.
 */
function contentError(error: unknown): unknown {
  return errorNameOf(error) === 'AbortError' ? error : withExitCode(error, EXIT.verificationFailed)
}

/** Registers the command on `program`. */
export function getCommand(program: Command): void {
  withPeerOptions(
    program
      .command('get')
      .description('fetch a file, verified, to stdout or a file')
      .argument('<address>', 'an://name:topic/path')
      .option('-o, --output <file>', 'write to this file (created or replaced) instead of stdout'),
  ).action(async (input: string, options: GetOptions) => {
    let address = parseAddress(input).href
    const peer = await openPeer(options)
    const target = options.output === undefined ? undefined : resolve(options.output)
    const tempDir = target === undefined ? join(options.dataDir, 'tmp') : dirname(target)
    await mkdir(tempDir, { recursive: true })
    const temp = join(tempDir, `.alternet-get-${randomUUID()}.tmp`)
    const started = performance.now()
    try {
      // HEAD first: it needs the record and the verified manifest, not the file's blocks. When
      // it answers and the GET then fails, the file's content could not be had verified.
      let head = await peer.fetch(address, { method: 'HEAD' })
      for (let i = 0; i < MAX_REDIRECTS && head.status >= 300 && head.status < 400; i++) {
        const location = head.headers.get('location')
        if (location === null) break
        address = new URL(location, address).href
        head = await peer.fetch(address, { method: 'HEAD' })
      }
      if (!head.ok) throw responseError(head, address)
      const response = await peer.fetch(address)
      if (!response.ok || response.body === null)
        throw contentError(responseError(response, address))
      try {
        await pipeline(Readable.fromWeb(response.body as never), createWriteStream(temp))
      } catch (error) {
        throw contentError(error)
      }
      const seconds = (performance.now() - started) / 1000
      const { size: bytes } = await stat(temp)
      if (target !== undefined) await rename(temp, target)
      else await pipeline(createReadStream(temp), process.stdout, { end: false })
      const report = {
        address,
        bytes,
        seconds: Number(seconds.toFixed(3)),
        type: response.headers.get('content-type'),
        output: target ?? null,
      }
      if (target !== undefined)
        printResult(options, report, [`${address}: ${bytes} bytes to ${target}`])
      else if (options.json === true) process.stderr.write(JSON.stringify(report) + '\n')
    } finally {
      await rm(temp, { force: true })
      await closePeer(peer)
    }
  })
}
