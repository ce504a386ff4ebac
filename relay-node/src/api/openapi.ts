/**
 * The OpenAPI 3.1 description of the registrar API, served at `/api/v1/openapi.json`.
 * @module
 */
import { API_PREFIX } from './constants.ts'

const error = { $ref: '#/components/responses/Error' }
const unauthorized = { $ref: '#/components/responses/Unauthorized' }
const limited = { $ref: '#/components/responses/RateLimited' }
const nameParam = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'A root site name, e.g. `mysite:code`.',
  schema: { type: 'string' },
}
const siteParam = {
  name: 'site',
  in: 'path',
  required: true,
  description: 'A site name, e.g. `api.mysite:code`.',
  schema: { type: 'string' },
}
const json = (schema: object): object => ({ content: { 'application/json': { schema } } })
const issued = {
  description: 'The signed registration; copy `registration` into the holder’s records.',
  ...json({ $ref: '#/components/schemas/IssuedRegistration' }),
}
const registrationBody = (ownerRequired: boolean): object => ({
  required: ownerRequired,
  ...json({
    type: 'object',
    required: ownerRequired ? ['owner'] : [],
    properties: {
      ...(ownerRequired ? { owner: { $ref: '#/components/schemas/PublicKey' } } : {}),
      expires: {
        type: 'integer',
        description:
          'End, ms since the epoch (default: the relay’s --registration-lifetime from now).',
      },
    },
  }),
})

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
    '/registrar': {
      get: {
        summary: 'The registrar key of this relay and whether the relay trusts it',
        responses: {
          200: json({
            type: 'object',
            properties: {
              registrar: { oneOf: [{ $ref: '#/components/schemas/PublicKey' }, { type: 'null' }] },
              trustedRegistrar: { type: 'boolean' },
              trustedRevoker: { type: 'boolean' },
            },
          }),
          401: unauthorized,
          429: limited,
        },
      },
    },
    '/names/{name}': {
      get: {
        summary: 'The live registration this registrar signed for a name',
        parameters: [nameParam],
        responses: {
          200: json({ $ref: '#/components/schemas/RegistryEntry' }),
          404: error,
          401: unauthorized,
          429: limited,
        },
      },
    },
    '/names/{name}/register': {
      post: {
        summary: 'Register a root name nobody else holds to an owner key',
        parameters: [nameParam],
        requestBody: registrationBody(true),
        responses: {
          201: issued,
          400: error,
          409: error,
          503: error,
          401: unauthorized,
          429: limited,
        },
      },
    },
    '/names/{name}/renew': {
      post: {
        summary: 'Extend a registration (same holder, later end)',
        parameters: [nameParam],
        requestBody: registrationBody(false),
        responses: {
          200: issued,
          400: error,
          404: error,
          503: error,
          401: unauthorized,
          429: limited,
        },
      },
    },
    '/names/{name}/transfer': {
      post: {
        summary:
          'Hand a registered name to a new holder key (a registration ending later than any the name has)',
        parameters: [nameParam],
        requestBody: registrationBody(true),
        responses: {
          200: issued,
          400: error,
          404: error,
          503: error,
          401: unauthorized,
          429: limited,
        },
      },
    },
    '/names/{name}/revoke': {
      post: {
        summary:
          'Revoke a site, or some of its content roots, with the registrar key (a trusted revoker here)',
        parameters: [{ ...nameParam, description: 'A site name.' }],
        requestBody: {
          required: false,
          ...json({
            type: 'object',
            properties: {
              roots: {
                type: 'array',
                items: { type: 'string' },
                description: 'CIDs to block; none revokes the whole site.',
              },
            },
          }),
        },
        responses: {
          200: json({
            type: 'object',
            properties: {
              name: { type: 'string' },
              roots: { type: 'array', items: { type: 'string' } },
              fresh: { type: 'boolean' },
              revocation: {
                type: 'string',
                contentEncoding: 'base64',
                description: 'The signed revocation envelope.',
              },
            },
          }),
          400: error,
          409: error,
          503: error,
          401: unauthorized,
          429: limited,
        },
      },
    },
    '/sites/{site}/publish': {
      post: {
        summary:
          'Publish an owner-signed record with its site: the relay mirrors the site and puts the record',
        parameters: [siteParam],
        requestBody: {
          required: true,
          description:
            'A CAR v1 whose single root is the record envelope (dag-cbor block). Blocks in order: the record, the manifest its `content` names, then every block the manifest lists (any order; blocks the relay already holds may be left out). At most --api-max-publish-bytes.',
          content: {
            'application/vnd.ipld.car': {
              schema: { type: 'string', contentMediaType: 'application/vnd.ipld.car' },
            },
          },
        },
        responses: {
          201: json({
            type: 'object',
            properties: {
              site: { type: 'string' },
              seq: { type: 'integer' },
              root: { type: 'string' },
              blocks: { type: 'integer' },
              received: { type: 'integer' },
            },
          }),
          400: error,
          409: error,
          413: error,
          422: error,
          507: error,
          401: unauthorized,
          429: limited,
        },
      },
    },
    '/sites/{site}/stats': {
      get: {
        summary: 'What this relay served of a site, its record, hosts and mirrors',
        parameters: [siteParam],
        responses: {
          200: json({
            type: 'object',
            properties: {
              site: { type: 'string' },
              requests: { type: 'integer' },
              bytesServed: { type: 'integer' },
              lastServed: { type: ['string', 'null'], format: 'date-time' },
              record: {
                type: ['object', 'null'],
                properties: {
                  seq: { type: 'integer' },
                  expires: { type: 'string' },
                  owner: { type: 'string' },
                  content: { type: ['string', 'null'] },
                },
              },
              hosts: {
                type: 'array',
                items: { type: 'string' },
                description: 'Peer IDs the record names.',
              },
              mirrors: {
                type: 'array',
                items: { type: 'string' },
                description: 'Peer IDs seen holding the content root.',
              },
            },
          }),
          400: error,
          401: unauthorized,
          429: limited,
        },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      PublicKey: {
        type: 'string',
        pattern: '^[0-9a-f]{64}$',
        description: 'Ed25519 public key, hex.',
      },
      Error: {
        type: 'object',
        required: ['ok', 'error', 'message'],
        properties: {
          ok: { const: false },
          error: { type: 'string' },
          message: { type: 'string' },
        },
      },
      RegistryEntry: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          owner: { $ref: '#/components/schemas/PublicKey' },
          expires: { type: 'integer' },
          issued: { type: 'integer' },
        },
      },
      IssuedRegistration: {
        allOf: [
          { $ref: '#/components/schemas/RegistryEntry' },
          {
            type: 'object',
            properties: {
              registration: {
                type: 'object',
                properties: {
                  registrar: { $ref: '#/components/schemas/PublicKey' },
                  expires: { type: 'integer' },
                  sig: { type: 'string', pattern: '^[0-9a-f]{128}$' },
                },
              },
            },
          },
        ],
      },
    },
    responses: {
      Error: {
        description: 'Refused; `error` says why.',
        ...json({ $ref: '#/components/schemas/Error' }),
      },
      Unauthorized: {
        description: 'No token, or not a token of this relay: the same answer for every path.',
        ...json({ $ref: '#/components/schemas/Error' }),
      },
      RateLimited: {
        description: 'Too many requests; `Retry-After` says when to try again.',
        ...json({ $ref: '#/components/schemas/Error' }),
      },
    },
  },
} as const
