/** JSON schemas shared by several routes. Response schemas double as allow-lists. */

export const errorSchema = {
  $id: 'ErrorResponse',
  type: 'object',
  description: 'Every error: a stable code, a human-readable detail naming the field or row, and the request id.',
  properties: {
    error: { type: 'string' },
    detail: { type: 'string' },
    request_id: { type: 'string' },
    requests_remaining: { type: 'integer', description: '429 only' },
    reset_time: { type: 'string', format: 'date-time', description: '429 only' },
  },
  required: ['error', 'detail', 'request_id'],
} as const;

/** Added to every route by the errors plugin. */
export const errorResponses = {
  '4xx': { $ref: 'ErrorResponse#' },
  '5xx': { $ref: 'ErrorResponse#' },
} as const;

/**
 * One customer: field names to scalar values. The model's own schema (which can change on a
 * reload) is checked by the encoder; this only bounds the shape and the sizes.
 */
export const customerSchema = {
  type: 'object',
  description: 'Customer fields by name, as in the training data (numbers may also be numeric strings; null means missing).',
  maxProperties: 200,
  propertyNames: { maxLength: 100 },
  additionalProperties: { type: ['string', 'number', 'boolean', 'null'], maxLength: 1000 },
} as const;

export const topFactorSchema = {
  type: 'object',
  properties: {
    feature: { type: 'string' },
    value: { type: ['number', 'string', 'null'] },
    contribution: { type: 'number', description: 'Signed push on the log-odds of churn' },
  },
  required: ['feature', 'value', 'contribution'],
} as const;

export const predictionSchema = {
  type: 'object',
  properties: {
    prediction: { type: 'integer', enum: [0, 1] },
    probability: { type: 'number' },
    risk_level: { type: 'string', enum: ['low', 'medium', 'high'] },
    top_factors: { type: 'array', items: topFactorSchema },
    model_version: { type: 'string' },
  },
  required: ['prediction', 'probability', 'risk_level', 'top_factors', 'model_version'],
} as const;

export const problemSchema = {
  type: 'object',
  properties: {
    index: { type: ['integer', 'null'], description: 'Position in `customers`; null for `customer_data`' },
    field: { type: 'string' },
    code: { type: 'string' },
    message: { type: 'string' },
  },
  required: ['index', 'field', 'code', 'message'],
} as const;
