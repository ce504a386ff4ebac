/**
 * `releaseWebRTC`: lets the Node process exit once it is done with every peer. libp2p's WebRTC
 * in Node runs on node-datachannel, whose native threads keep the process alive after the last
 * connection closed until its `cleanup()` is called; a process that stops its peers and then
 * expects to exit on its own (a test file, an embedding program) calls this last. Global to the
 * process: no peer may be running WebRTC afterwards.
 * @module
 */

/** Releases node-datachannel's native threads; call after every peer has stopped. */
export async function releaseWebRTC(): Promise<void> {
  const { cleanup } = await import('node-datachannel')
  cleanup()
}
