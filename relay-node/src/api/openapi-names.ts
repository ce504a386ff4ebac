/**
 * The registrar API's name paths in its OpenAPI description: the registrar key, and a name's
 * registration, renewal, transfer and revocation.
 * @module
 */
import {
  error,
  unauthorized,
  limited,
  nameParam,
  json,
  issued,
  registrationBody,
} from './openapi-parts.ts'

/** The OpenAPI paths of the registrar and its names. */
export const NAME_PATHS = {
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
} as const
