/**
 * The registrar API's site paths in its OpenAPI description: publishing an owner-signed site
 * and reading its statistics.
 * @module
 */
import { error, unauthorized, limited, siteParam, json } from './openapi-parts.ts'

/** The OpenAPI paths of sites: publish and statistics. */
export const SITE_PATHS = {
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
} as const
