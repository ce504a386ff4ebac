/**
 * The registrar API's flags (`--api-*`, `--registrar-key`), listed in the relay's option table
 * (config.ts).
 * @module
 */
import type { OptionSpec } from '../option-spec.ts'
import {
  DEFAULT_API_BURST,
  DEFAULT_API_MAX_PUBLISH_BYTES,
  DEFAULT_API_RATE_PER_MINUTE,
  DEFAULT_API_TOKEN_RATE_PER_MINUTE,
  DEFAULT_REGISTRATION_LIFETIME_MS,
} from './constants.ts'

/** The API's settings. */
export interface ApiSettings {
  /** File of bearer tokens, one a line (`TOKEN [name]`); undefined = no API. */
  apiTokens?: string
  /** File holding the registrar key (hex Ed25519 seed), created when missing. */
  registrarKey?: string
  apiRate: number
  apiBurst: number
  apiTokenRate: number
  apiMaxPublishBytes: number
  registrationLifetime: number
}

/** The API's rows of the option table. */
export const API_OPTIONS: readonly OptionSpec<keyof ApiSettings>[] = [
  {
    key: 'apiTokens',
    flag: 'api-tokens',
    kind: 'path',
    doc: 'serve the registrar API under /api/v1/ to bearer tokens listed in this file, one a line: TOKEN [name] (off when not set)',
  },
  {
    key: 'registrarKey',
    flag: 'registrar-key',
    kind: 'path',
    doc: "the registrar's key file (hex Ed25519 seed, created when missing; e.g. DATA-DIR/registrar-key): signs registrations and revocations of the API",
  },
  {
    key: 'apiRate',
    flag: 'api-rate',
    kind: 'count',
    default: DEFAULT_API_RATE_PER_MINUTE,
    doc: 'API requests per minute one client address may make',
  },
  {
    key: 'apiBurst',
    flag: 'api-burst',
    kind: 'count',
    default: DEFAULT_API_BURST,
    doc: 'API requests a client address or a token may make at once before its rate applies',
  },
  {
    key: 'apiTokenRate',
    flag: 'api-token-rate',
    kind: 'count',
    default: DEFAULT_API_TOKEN_RATE_PER_MINUTE,
    doc: 'API requests per minute one token may make, from all addresses',
  },
  {
    key: 'apiMaxPublishBytes',
    flag: 'api-max-publish-bytes',
    kind: 'bytes',
    default: DEFAULT_API_MAX_PUBLISH_BYTES,
    doc: 'largest site upload through the API (record, manifest and blocks)',
  },
  {
    key: 'registrationLifetime',
    flag: 'registration-lifetime',
    kind: 'duration',
    default: DEFAULT_REGISTRATION_LIFETIME_MS,
    doc: 'how long a registration signed through the API runs when the request does not say',
  },
]
