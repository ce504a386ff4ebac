/**
 * The pieces the registrar API's OpenAPI description repeats: references to its shared
 * responses, its path parameters and a JSON body.
 * @module
 */
/** A refusal, with the shared error body. */
export const error = { $ref: '#/components/responses/Error' }
/** No token or a wrong one. */
export const unauthorized = { $ref: '#/components/responses/Unauthorized' }
/** Too many requests. */
export const limited = { $ref: '#/components/responses/RateLimited' }
/** The `{name}` path parameter: a root name. */
export const nameParam = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'A root site name, e.g. `mysite:code`.',
  schema: { type: 'string' },
}
/** The `{site}` path parameter: any site name. */
export const siteParam = {
  name: 'site',
  in: 'path',
  required: true,
  description: 'A site name, e.g. `api.mysite:code`.',
  schema: { type: 'string' },
}
/** A JSON body with `schema`. */
export const json = (schema: object): object => ({ content: { 'application/json': { schema } } })
/** The answer to a registration, renewal or transfer: the signed registration. */
export const issued = {
  description: 'The signed registration; copy `registration` into the holder’s records.',
  ...json({ $ref: '#/components/schemas/IssuedRegistration' }),
}
/** A registration request's body; `ownerRequired` for a new registration or a transfer. */
export const registrationBody = (ownerRequired: boolean): object => ({
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
