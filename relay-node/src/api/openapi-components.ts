/**
 * The registrar API's OpenAPI components: the bearer scheme, the schemas the paths refer to and
 * the shared error responses.
 * @module
 */
import { json } from './openapi-parts.ts'

/** The OpenAPI components the paths refer to. */
export const COMPONENTS = {
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
} as const
