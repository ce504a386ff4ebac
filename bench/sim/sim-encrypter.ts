/**
 * `simEncrypter`: the simulation's connection "encryption". Each side sends its public key,
 * length-prefixed, and the connection carries plain bytes after it. Noise on the in-memory
 * transport costs an X25519 exchange and two Ed25519 signatures per connection and a cipher on
 * every frame; with hundreds of servers in one process, each connecting to dozens of others as
 * kad-dht walks the network, that was a fifth of the start-up's CPU (and garbage). Nothing the
 * simulation measures depends on it: the peer's identity still comes from its key, and the DHT,
 * records and stores above the connection are the relay's.
 * @module
 */
import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import type {
  ConnectionEncrypter,
  MessageStream,
  PrivateKey,
  SecureConnectionOptions,
  SecuredConnection,
} from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'

/** The protocol id both sides agree on. */
const PROTOCOL = '/an-sim/plain/1.0.0'

/** Longest public key accepted, bytes (an Ed25519 key in its protobuf is 36). */
const MAX_KEY_BYTES = 1024

/** Sends our key, reads theirs, checks it against the peer expected (if any). */
async function exchange(
  connection: MessageStream,
  ours: Uint8Array,
  options?: SecureConnectionOptions,
): Promise<SecuredConnection> {
  const lp = lpStream(connection, { maxDataLength: MAX_KEY_BYTES })
  const [, theirs] = await Promise.all([lp.write(ours, options), lp.read(options)])
  const remotePeer = peerIdFromPublicKey(publicKeyFromProtobuf(theirs.subarray()))
  if (options?.remotePeer !== undefined && !options.remotePeer.equals(remotePeer))
    throw new Error(`expected ${options.remotePeer.toString()}, reached ${remotePeer.toString()}`)
  return { connection: lp.unwrap(), remotePeer }
}

/** The encrypter factory, as `connectionEncrypters: [simEncrypter()]`. */
export function simEncrypter(): (components: { privateKey: PrivateKey }) => ConnectionEncrypter {
  return ({ privateKey }) => {
    const ours = publicKeyToProtobuf(privateKey.publicKey)
    return {
      protocol: PROTOCOL,
      secureInbound: async (connection, options) => exchange(connection, ours, options),
      secureOutbound: async (connection, options) => exchange(connection, ours, options),
    }
  }
}
