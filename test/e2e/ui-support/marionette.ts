/**
 * Firefox driven over Marionette, its own automation protocol, for what WebDriver BiDi in this
 * Firefox cannot do: switch the whole browser to its offline mode (`Services.io.offline`, what
 * File → Work Offline does, and what Firefox does itself when the network link goes down).
 * Firefox holds one automation session at a time, so a spec uses either this or puppeteer.
 * Firefox is started headless on a fresh profile with `-remote-allow-system-access`, which
 * Marionette needs to run script in the browser's own (chrome) scope.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { firefoxPath } from './firefox.ts'

/** Time for Firefox to start and open its Marionette port, in ms. */
const START_MS = 30_000
/** Time any one Marionette command may take, in ms. */
const COMMAND_MS = 60_000

/** A free TCP port on the loopback interface. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A Marionette error, with Firefox's own error code as its name. */
export class MarionetteError extends Error {
  constructor(code: string, message: string) {
    super(message)
    this.name = code
  }
}

/** A headless Firefox and its Marionette session. */
export interface MarionetteFirefox {
  /** Sends a Marionette command (e.g. `WebDriver:Navigate`); resolves to its result. */
  send<T = unknown>(command: string, params?: Record<string, unknown>): Promise<T>
  /** Runs `script` (a function body; `arguments` holds `args`) in the page, or in the browser itself. */
  run<T = unknown>(script: string, args?: unknown[], scope?: 'content' | 'chrome'): Promise<T>
  /** The whole window as a PNG. */
  screenshot(): Promise<Buffer>
  /** Ends the session and Firefox, and removes its profile. */
  close(): Promise<void>
}

/** Starts headless Firefox with `prefs` on a fresh profile and opens a Marionette session. */
export async function launchMarionetteFirefox(
  prefs: Record<string, string | number | boolean> = {},
  size = { width: 1280, height: 800 },
): Promise<MarionetteFirefox> {
  const executable = firefoxPath()
  if (executable === undefined)
    throw new Error('No Firefox found: apt-get install -y firefox-esr, or set FIREFOX_PATH.')
  const profile = await mkdtemp(join(tmpdir(), 'an-ff-marionette-'))
  const port = await freePort()
  const all: Record<string, string | number | boolean> = {
    'marionette.port': port,
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.homepage_override.mstone': 'ignore',
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    'app.update.disabledForTesting': true,
    ...prefs,
  }
  await writeFile(
    join(profile, 'user.js'),
    Object.entries(all)
      .map(([key, value]) => `user_pref(${JSON.stringify(key)}, ${JSON.stringify(value)});`)
      .join('\n'),
  )
  const child: ChildProcess = spawn(
    executable,
    [
      '--headless',
      '--marionette',
      '-remote-allow-system-access',
      '--no-remote',
      '--profile',
      profile,
      '--window-size',
      `${size.width},${size.height}`,
      'about:blank',
    ],
    { stdio: 'ignore', env: { ...process.env, MOZ_HEADLESS: '1' } },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let socket: Socket | undefined
  const deadline = Date.now() + START_MS
  while (socket === undefined) {
    try {
      socket = await new Promise<Socket>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => resolve(s))
        s.once('error', reject)
      })
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw error
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  const open = socket
  let buffer = Buffer.alloc(0)
  const waiting: ((message: unknown) => void)[] = []
  open.on('data', (data: Buffer) => {
    buffer = Buffer.concat([buffer, data])
    for (;;) {
      const colon = buffer.indexOf(0x3a)
      if (colon < 0) return
      const length = Number(buffer.subarray(0, colon).toString())
      if (buffer.length < colon + 1 + length) return
      const message: unknown = JSON.parse(buffer.subarray(colon + 1, colon + 1 + length).toString())
      buffer = buffer.subarray(colon + 1 + length)
      waiting.shift()?.(message)
    }
  })
  const next = (): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Marionette did not answer in ${COMMAND_MS} ms`)),
        COMMAND_MS,
      )
      waiting.push((message) => {
        clearTimeout(timer)
        resolve(message)
      })
    })
  await next() // the greeting
  let id = 0
  const send = async <T>(command: string, params: Record<string, unknown> = {}): Promise<T> => {
    const answer = next()
    const text = JSON.stringify([0, ++id, command, params])
    open.write(`${Buffer.byteLength(text)}:${text}`)
    const [, , error, result] = (await answer) as [
      number,
      number,
      { error: string; message: string } | null,
      unknown,
    ]
    if (error !== null) throw new MarionetteError(error.error, `${command}: ${error.message}`)
    return result as T
  }
  let context: 'content' | 'chrome' = 'content'
  const run = async <T>(
    script: string,
    args: unknown[] = [],
    scope: 'content' | 'chrome' = 'content',
  ): Promise<T> => {
    if (scope !== context) {
      await send('Marionette:SetContext', { value: scope })
      context = scope
    }
    return (await send<{ value: T }>('WebDriver:ExecuteScript', { script, args })).value
  }
  await send('WebDriver:NewSession', {
    capabilities: { alwaysMatch: { acceptInsecureCerts: true } },
  })
  return {
    send,
    run,
    async screenshot() {
      if (context !== 'content') {
        await send('Marionette:SetContext', { value: 'content' })
        context = 'content'
      }
      const { value } = await send<{ value: string }>('WebDriver:TakeScreenshot', { full: false })
      return Buffer.from(value, 'base64')
    },
    async close() {
      await send('WebDriver:DeleteSession').catch(() => undefined)
      open.end()
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
      await rm(profile, { recursive: true, force: true })
    },
  }
}
