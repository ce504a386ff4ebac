/**
 * A relay process with the operator's certificate: a self-signed P-256 certificate made by
 * `openssl` for the specs, given to the relay with wss and HTTPS on its HTTP port.
 * @module
 */
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { startRelay, type RelayProcess } from './relay-process.ts'

/** A relay serving TLS and the SHA-256 fingerprint of its certificate. */
export interface TlsRelay {
  readonly relay: RelayProcess
  /** The certificate's fingerprint, as `X509Certificate.fingerprint256` writes it. */
  readonly fingerprint: string
}

/** Writes `cert.pem` and `key.pem` in `dir`: a one-day self-signed certificate for `commonName`. */
function makeCertificate(dir: string, commonName: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${commonName}`,
      '-keyout',
      `${dir}/key.pem`,
      '-out',
      `${dir}/cert.pem`,
    ],
    { stdio: 'ignore' },
  )
}

/**
 * Starts a relay (data in `dir`/data) with a new certificate for `commonName` in `dir`, wss on a
 * free port and HTTPS on its HTTP port, with `flags` besides.
 */
export async function startTlsRelay(
  dir: string,
  commonName: string,
  flags: string[] = [],
): Promise<TlsRelay> {
  makeCertificate(dir, commonName)
  const fingerprint = new X509Certificate(readFileSync(`${dir}/cert.pem`)).fingerprint256
  const relay = await startRelay(`${dir}/data`, [
    '--tls-cert',
    `${dir}/cert.pem`,
    '--tls-key',
    `${dir}/key.pem`,
    '--wss-port',
    '0',
    '--https',
    ...flags,
  ])
  return { relay, fingerprint }
}
