/**
 * The app shell's entry point. It reports which relay served the app (its
 * `/.well-known/alternet.json`), the first thing the browser peer will connect to.
 * @module
 */

/** The relay's self-description, served next to the app. */
interface RelayInfo {
  peerId: string
  multiaddrs: string[]
}

const statusLine = document.getElementById('status')

async function describeRelay(): Promise<void> {
  if (statusLine == null) return
  try {
    const response = await fetch('/.well-known/alternet.json')
    if (!response.ok) throw new Error(`the relay answered ${response.status}`)
    const info = (await response.json()) as RelayInfo
    statusLine.textContent = `Served by relay ${info.peerId} (${info.multiaddrs.length} addresses).`
  } catch (error) {
    statusLine.textContent = `This page was not served by an Alternet relay, so there is no relay to join (${(error as Error).message}).`
  }
}

void describeRelay()
