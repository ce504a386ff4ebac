/**
 * Busy time per thread of every Chromium process during one read, from a browser-wide trace
 * (`bench/site-profile.ts --trace`): the app page's thread, the site's service worker, the
 * site frame, the browser process's IndexedDB and I/O threads, each named by its process's id
 * (renderers by the hosts of the frames they hold, where the trace says). A thread's busy time
 * is the union of its top-level tasks. The site frame's figure includes the bench's digest of
 * the body, taken after its clock stopped. `SITE_TRACE_FILE=<path>` keeps the last raw trace.
 * @module
 */
import { writeFile } from 'node:fs/promises'
import type { Browser } from 'playwright-core'

/** Trace categories: top-level tasks and the names of processes and threads. */
const CATEGORIES = (process.env.SITE_TRACE_CATEGORIES ?? 'toplevel,__metadata').split(',')

interface TraceEvent {
  name: string
  cat: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  args?: {
    name?: string
    data?: { frames?: { processId?: number; url?: string; parent?: string }[] }
  }
}

/** Starts tracing every process of `browser`. */
export async function startTrace(browser: Browser): Promise<void> {
  await browser.startTracing(undefined, { categories: CATEGORIES })
}

/** Stops tracing: busy ms per thread, named `<process>/<thread>`, busiest first. */
export async function stopTrace(browser: Browser): Promise<Map<string, number>> {
  const raw = await browser.stopTracing()
  if (process.env.SITE_TRACE_FILE !== undefined) await writeFile(process.env.SITE_TRACE_FILE, raw)
  const { traceEvents } = JSON.parse(raw.toString('utf8')) as { traceEvents: TraceEvent[] }
  const processes = new Map<number, string>()
  const frames = new Map<number, Set<string>>()
  const threads = new Map<string, string>()
  for (const e of traceEvents) {
    if (e.ph === 'M' && e.name === 'process_name') processes.set(e.pid, e.args?.name ?? '?')
    if (e.ph === 'M' && e.name === 'thread_name')
      threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?')
    for (const frame of e.args?.data?.frames ?? [])
      if (frame.processId !== undefined && URL.canParse(frame.url ?? '')) {
        const hosts = frames.get(frame.processId) ?? new Set<string>()
        hosts.add(new URL(frame.url!).host.split('.')[0])
        frames.set(frame.processId, hosts)
      }
  }
  const processOf = (pid: number): string =>
    frames.has(pid)
      ? `renderer ${[...frames.get(pid)!].join('+')}`
      : `${processes.get(pid) ?? 'process'} ${pid}`
  // Top-level tasks nest (RunTask within RunTask): a thread's busy time is their union.
  const spans = new Map<string, [number, number][]>()
  for (const e of traceEvents) {
    if (e.ph !== 'X' || !e.cat.includes('toplevel') || e.dur === undefined) continue
    const name = `${processOf(e.pid)}/${threads.get(`${e.pid}:${e.tid}`) ?? e.tid}`
    spans.set(name, [...(spans.get(name) ?? []), [e.ts, e.ts + e.dur]])
  }
  const busy = new Map<string, number>()
  for (const [name, list] of spans) {
    list.sort((a, b) => a[0] - b[0])
    let total = 0
    let [from, to] = list[0]
    for (const [a, b] of list.slice(1)) {
      if (a > to) {
        total += to - from
        ;[from, to] = [a, b]
      } else to = Math.max(to, b)
    }
    busy.set(name, (total + to - from) / 1000)
  }
  return new Map([...busy].sort((a, b) => b[1] - a[1]))
}
