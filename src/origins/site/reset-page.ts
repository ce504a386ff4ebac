/**
 * The escape hatch, `/__an/reset.html` on the app origin or on any site origin: after a click
 * on its button, unregisters every service worker of that origin and deletes its caches (a
 * site's offline copies among them). Keys, names and hosted sites in IndexedDB are left alone.
 * Neither service worker ever answers this page, so it works even when a worker is broken
 * (Shift+Reload bypasses a worker in any case). It wipes nothing on its own: a page that opens
 * it (a popup, a link) cannot wipe another origin; the relay also forbids framing it, so a click
 * cannot be tricked through a frame. See docs/ORIGINS.md, "Escape hatch".
 * @module
 */

function say(text: string): void {
  const line = document.getElementById('status')
  if (line !== null) line.textContent = text
  document.body.dataset.state = 'done'
}

/** "1 saved copy", "3 saved copies". */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

async function reset(): Promise<void> {
  const registrations =
    'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistrations() : []
  const unregistered = await Promise.all(registrations.map((r) => r.unregister()))
  const names = 'caches' in self ? await caches.keys() : []
  await Promise.all(names.map((name) => caches.delete(name)))
  const helpers = unregistered.filter(Boolean).length
  say(
    `Cleared ${count(helpers, 'offline helper', 'offline helpers')} and ${count(names.length, 'saved copy', 'saved copies')} from ${location.origin}. Your keys and sites are untouched.`,
  )
}

const originLine = document.getElementById('origin')
if (originLine !== null) originLine.textContent = location.origin
const button = document.getElementById('reset') as HTMLButtonElement | null
// Framed anyway (a browser that ignores the headers): never wipe from inside a frame.
if (button !== null && window.top === window) {
  button.disabled = false
  button.addEventListener('click', (event) => {
    if (!event.isTrusted) return
    button.disabled = true
    reset().catch(() =>
      say(
        'The browser did not let everything be cleared. Close every Alternet tab, then try again.',
      ),
    )
  })
}
document.body.dataset.state = 'ready'
