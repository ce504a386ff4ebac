/**
 * The OpenAPI 3.1 description of the registrar API, served at `/api/v1/openapi.json`.
 * @module
 */
import { API_PREFIX } from './constants.ts'
import { COMPONENTS } from './openapi-components.ts'
import { NAME_PATHS } from './openapi-names.ts'
import { SITE_PATHS } from './openapi-sites.ts'

/** The API's OpenAPI document. */
export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Alternet relay registrar API',
    version: '1.0.0',
    description:
      'Register, renew, transfer and revoke names on a permissioned network, publish owner-signed sites, and read per-site statistics. Every path but this document needs `Authorization: Bearer <token>` (tokens from the relay’s --api-tokens file). Errors are `{ ok: false, error, message }` with a stable `error` code.',
  },
  servers: [{ url: API_PREFIX.replace(/\/$/, '') }],
  security: [{ bearer: [] }],
  paths: {
    ...NAME_PATHS,
    ...SITE_PATHS,
  },
  components: COMPONENTS,
} as const
