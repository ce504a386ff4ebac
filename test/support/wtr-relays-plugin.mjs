// @ts-check
/**
 * A @web/test-runner plugin that runs real relay processes (`relay-node/src/cli.ts`) for the
 * browser specs: loopback, temp data dirs, `--dev` (private addresses kept in the DHT), every
 * port free. They form one network (the later ones bootstrap from the first). They start on the
 * first request for their addresses, so suites that never ask stay fast, and stop with the
 * server.
 *
 * Routes on the dev server (JSON):
 * - `GET /__relays/list`: `{ relays: [{ index, running, peerId, http, wellKnown, multiaddrs }], revoker }`
 *   where `revoker` is `{ seed, publicKey }` (hex): every relay's data dir has it in its
 *   `trusted-revokers` file, so a spec can sign revocations the relays honour
 * - `GET /__relays/stop?index=N`: SIGTERM relay N and wait for it to exit
 * - `GET /__relays/start?index=N`: start relay N again, same data dir, peer ID and ports
 * @module
 */
import { spawn } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root: relays run from there. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** The relay's command-line entry point. */
const CLI = join(REPO_ROOT, 'relay-node', 'src', 'cli.ts')
/** How long a relay may take to print its listening line. */
const START_TIMEOUT_MS = 45_000
/** How long a relay may take to exit after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 12_000
/** Relays started by default. */
const DEFAULT_RELAY_COUNT = 3

/**
 * @typedef {{ peerId: string, http: string, multiaddrs: string[] }} Listening
 * @typedef {{ index: number, dataDir: string, ports?: { http: string, tcp: string, ws: string, webrtc: string }, listening?: Listening, proc?: import('node:child_process').ChildProcess, exited?: Promise<void> }} Slot
 */

/** A revoker key made for this run: every relay trusts it. @returns {{ seed: string, publicKey: string }} */
function makeRevoker() {
  const { privateKey } = generateKeyPairSync('ed25519')
  const jwk = privateKey.export({ format: 'jwk' })
  const hex = (/** @type {string | undefined} */ b64) =>
    Buffer.from(b64 ?? '', 'base64url').toString('hex')
  return { seed: hex(jwk.d), publicKey: hex(jwk.x) }
}

/** @type {Set<import('node:child_process').ChildProcess>} */
const running = new Set()
process.on('exit', () => {
  for (const proc of running) proc.kill('SIGKILL')
})

/**
 * @param {Slot} slot
 * @param {string[]} bootstrap
 * @returns {Promise<void>}
 */
function startSlot(slot, bootstrap) {
  const ports = slot.ports ?? { http: '0', tcp: '0', ws: '0', webrtc: '0' }
  const args = [
    CLI,
    '--data-dir',
    slot.dataDir,
    '--host',
    '127.0.0.1',
    '--http-port',
    ports.http,
    '--tcp-port',
    ports.tcp,
    '--ws-port',
    ports.ws,
    '--webrtc-port',
    ports.webrtc,
    '--dev',
    // The browser suites judge browser peers as hosts (stopping hosting included); mirrors,
    // which would answer for them, have their own specs (test/relay/mirror*.spec.ts).
    '--mirror-policy',
    'none',
    '--log-level',
    process.env.ALTERNET_TEST_RELAY_LOG ?? 'warn',
    ...bootstrap.flatMap((addr) => ['--bootstrap', addr]),
  ]
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(proc)
  slot.proc = proc
  let stderr = ''
  proc.stderr?.on('data', (d) => {
    stderr += d.toString()
    if (process.env.ALTERNET_TEST_RELAY_LOG != null)
      process.stderr.write(`[relay ${slot.index}] ${d}`)
  })
  slot.exited = new Promise((resolve) =>
    proc.on('exit', () => {
      running.delete(proc)
      slot.proc = undefined
      resolve()
    }),
  )
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(
      () =>
        reject(
          new Error(`relay ${slot.index} did not start within ${START_TIMEOUT_MS} ms: ${stderr}`),
        ),
      START_TIMEOUT_MS,
    )
    proc.stdout?.on('data', (d) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.includes('"event":"listening"'))
      if (line == null) return
      clearTimeout(timer)
      /** @type {Listening} */
      const listening = JSON.parse(line)
      slot.listening = listening
      const port = (/** @type {RegExp} */ re) =>
        listening.multiaddrs.map((a) => re.exec(a)?.[1]).find((p) => p != null) ?? '0'
      slot.ports = {
        http: new URL(listening.http).port,
        tcp: port(/\/tcp\/(\d+)\/p2p\//),
        ws: port(/\/tcp\/(\d+)\/ws\//),
        webrtc: port(/\/udp\/(\d+)\/webrtc-direct\//),
      }
      resolve()
    })
    void slot.exited?.then(() => {
      clearTimeout(timer)
      reject(new Error(`relay ${slot.index} exited before listening: ${stderr}`))
    })
  })
}

/** @param {Slot} slot */
async function stopSlot(slot) {
  const proc = slot.proc
  if (proc == null) return
  proc.kill('SIGTERM')
  const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS)
  await slot.exited
  clearTimeout(timer)
}

/** @param {Slot} slot */
function describeSlot(slot) {
  const l = slot.listening
  return {
    index: slot.index,
    running: slot.proc != null,
    peerId: l?.peerId,
    http: l?.http,
    wellKnown: l == null ? undefined : `${l.http}/.well-known/alternet.json`,
    multiaddrs: l?.multiaddrs ?? [],
  }
}

/**
 * @param {{ count?: number }} [options]
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
export function relaysPlugin(options = {}) {
  const count = options.count ?? DEFAULT_RELAY_COUNT
  /** @type {Slot[]} */
  const slots = []
  /** @type {Promise<void> | undefined} */
  let started
  let baseDir = ''
  const revoker = makeRevoker()

  /** The first relay's TCP address: the others bootstrap from it. */
  const bootstrapFor = (/** @type {Slot} */ slot) =>
    slots
      .filter((s) => s !== slot && s.listening != null)
      .map((s) => s.listening?.multiaddrs.find((a) => /\/tcp\/\d+\/p2p\//.test(a)))
      .filter((a) => a != null)
      .map(String)

  const ensureStarted = () => {
    started ??= (async () => {
      baseDir = await mkdtemp(join(tmpdir(), 'an-wtr-relays-'))
      for (let i = 0; i < count; i++) {
        const dataDir = join(baseDir, `relay-${i}`)
        await mkdir(dataDir, { recursive: true })
        await writeFile(
          join(dataDir, 'trusted-revokers'),
          `# the test run's revoker\n${revoker.publicKey}\n`,
        )
        slots.push({ index: i, dataDir })
      }
      await startSlot(slots[0], [])
      await Promise.all(slots.slice(1).map((slot) => startSlot(slot, bootstrapFor(slot))))
    })()
    return started
  }

  /** @param {URLSearchParams} query */
  const slotOf = (query) => {
    const index = Number(query.get('index'))
    const slot = slots[index]
    if (slot == null) throw new Error(`no relay ${query.get('index')}`)
    return slot
  }

  return {
    name: 'alternet-relays',
    async serve(context) {
      if (context.path === '/__relays/list') {
        await ensureStarted()
        return { body: JSON.stringify({ relays: slots.map(describeSlot), revoker }), type: 'json' }
      }
      if (context.path === '/__relays/stop') {
        await ensureStarted()
        const slot = slotOf(new URLSearchParams(context.querystring))
        await stopSlot(slot)
        return { body: JSON.stringify(describeSlot(slot)), type: 'json' }
      }
      if (context.path === '/__relays/start') {
        await ensureStarted()
        const slot = slotOf(new URLSearchParams(context.querystring))
        if (slot.proc == null) await startSlot(slot, bootstrapFor(slot))
        return { body: JSON.stringify(describeSlot(slot)), type: 'json' }
      }
      return undefined
    },
    async serverStop() {
      if (started == null) return
      await started.catch(() => undefined)
      await Promise.all(slots.map(stopSlot))
      if (baseDir !== '') await rm(baseDir, { recursive: true, force: true })
    },
  }
}
