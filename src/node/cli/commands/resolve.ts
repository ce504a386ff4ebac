/**
 * `alternet resolve ADDRESS`: the site's record as the network holds it now: owner key
 * fingerprint, version (seq), age, expiry, content root, hosts and the mirrors holding it.
 * @module
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { Command } from 'commander'
import { base58btc } from 'multiformats/bases/base58'
import { parseAddress } from '../../../core/names/index.ts'
import { findMirrors } from '../../../net/mirror/index.ts'
import { fingerprint } from '../../../core/crypto/fingerprint.ts'
import { formatAge, printResult } from '../output.ts'
import { closePeer, openPeer, withPeerOptions, type PeerOptions } from '../peer-options.ts'

/** Registers the command on `program`. */
export function resolveCommand(program: Command): void {
  withPeerOptions(
    program
      .command('resolve')
      .description('look a name up: owner, version, age, hosts and mirrors')
      .argument('<address>', 'an://name:topic, or name:topic'),
  ).action(async (input: string, options: PeerOptions) => {
    const { site } = parseAddress(input)
    const peer = await openPeer(options)
    try {
      const resolved = await peer.resolve(site, { fresh: true })
      const { record } = resolved
      const body = record.body
      const hosts = (body.hosts ?? []).map((h) => ({
        peer: base58btc.encode(h.id).slice(1),
        addrs: h.addrs.map((a) => multiaddr(a).toString()),
      }))
      const mirrors =
        body.content === undefined
          ? []
          : (await findMirrors(peer.libp2p, site, body.content)).map((m) => m.peer.toString())
      const owner = await fingerprint(record.holder)
      const age = Date.now() - body.created
      printResult(
        options,
        {
          site,
          type: body.type,
          owner,
          seq: body.seq,
          created: new Date(body.created).toISOString(),
          ageMs: age,
          expires: new Date(body.expires).toISOString(),
          ttl: body.ttl,
          content: body.content?.toString() ?? null,
          target: body.target ?? null,
          hosts,
          mirrors,
        },
        [
          `site     ${site} (${body.type})`,
          `owner    ${owner}`,
          `version  ${body.seq}, signed ${formatAge(age)} ago, expires ${new Date(body.expires).toISOString()}`,
          ...(body.content === undefined ? [] : [`content  ${body.content}`]),
          ...(body.target === undefined ? [] : [`alias of ${body.target}`]),
          `hosts    ${hosts.length === 0 ? 'none' : hosts.map((h) => h.peer).join('\n         ')}`,
          `mirrors  ${mirrors.length === 0 ? 'none' : mirrors.join('\n         ')}`,
        ],
      )
    } finally {
      await closePeer(peer)
    }
  })
}
