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

async function reset(): Promise<void> {
  const registrations =
    'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistrations() : []
  const unregistered = await Promise.all(registrations.map((r) => r.unregister()))
  const names = 'caches' in self ? await caches.keys() : []
  await Promise.all(names.map((name) => caches.delete(name)))
  say(
    `Removed ${unregistered.filter(Boolean).length} service worker(s) and ${names.length} cache(s) from ${location.origin}. Your keys and sites are untouched.`,
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
    reset().catch((error: unknown) => say(`Reset failed: ${String(error)}`))
  })
}
document.body.dataset.state = 'ready'
