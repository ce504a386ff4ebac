/**
 * The escape hatch, `/__an/reset.html` on the app origin or on any site origin: unregisters
 * every service worker of that origin and deletes its caches. Keys, names and hosted sites in
 * IndexedDB are left alone. Neither service worker ever answers this page, so it works even
 * when a worker is broken (Shift+Reload bypasses a worker in any case). See docs/ORIGINS.md.
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

reset().catch((error: unknown) => say(`Reset failed: ${String(error)}`))
