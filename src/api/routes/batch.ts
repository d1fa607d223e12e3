import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Transform, type Readable } from 'node:stream';
import { scoreCsvStream, scoreRecords, type BatchFormat, type BatchResult } from '../batch.js';
import type { AppContext } from '../context.js';
import { httpError } from '../http-errors.js';
import { customerSchema } from '../schemas.js';
import { currentModel } from './predict.js';

function tooLarge(maxBytes: number): Error {
  return httpError('PAYLOAD_TOO_LARGE', `the upload is larger than ${maxBytes} bytes (the limit for one batch)`, { limit: maxBytes });
}

/** Passes bytes through until `maxBytes`, then fails; the socket itself is never destroyed, so the 413 still gets out. */
function capped(source: Readable, maxBytes: number): Readable {
  let seen = 0;
  const gate = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(seen > maxBytes ? tooLarge(maxBytes) : null, chunk);
    },
  });
  source.once('error', (e) => gate.destroy(e));
  return source.pipe(gate);
}

const batchResponse = {
  type: 'object',
  properties: {
    count: { type: 'integer' },
    predictions: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, probability: { type: 'number' }, prediction: { type: 'integer', enum: [0, 1] } } } },
  },
} as const;

/**
 * POST /predict/batch: a CSV upload (multipart field or a text/csv body) streamed through the
 * CSV reader, or a JSON array of customers. Rows and bytes are capped by BATCH_MAX_ROWS and
 * BATCH_MAX_BYTES; `Accept: text/csv` answers in CSV.
 */
export async function batchRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const { batchMaxBytes: maxBytes, batchMaxRows: maxRows } = ctx.config;
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6, fieldSize: 1024 } });
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

  async function scoreUpload(request: FastifyRequest, format: BatchFormat): Promise<BatchResult> {
    const served = currentModel(ctx);
    if (Number(request.headers['content-length'] ?? 0) > maxBytes + 64 * 1024) throw tooLarge(maxBytes);
    if (request.isMultipart()) {
      const part = await request.file();
      if (!part) throw httpError('BAD_REQUEST', 'the multipart body has no file: send the CSV in a file field');
      // Busboy may have hit the size limit before this handler ran (the whole body was there).
      if (part.file.truncated) throw tooLarge(maxBytes);
      part.file.once('limit', () => part.file.destroy(tooLarge(maxBytes)));
      const result = await scoreCsvStream(served, part.file, { maxRows, format });
      if (part.file.truncated) throw tooLarge(maxBytes);
      return result;
    }
    if (typeof (request.body as Readable | undefined)?.pipe !== 'function') throw httpError('UNSUPPORTED_MEDIA_TYPE', 'send CSV (multipart/form-data or text/csv) or a JSON array');
    return scoreCsvStream(served, capped(request.body as Readable, maxBytes), { maxRows, format });
  }

  app.post('/predict/batch', {
    config: { access: 'predict', rateRule: 'predict' },
    bodyLimit: maxBytes,
    schema: {
      summary: 'Scores many customers: a CSV upload (multipart or text/csv) or a JSON array; CSV back with Accept: text/csv',
      tags: ['predictions'],
      security: [{ bearer: [] }],
      body: {
        content: {
          'application/json': { schema: { type: 'array', items: customerSchema, maxItems: maxRows } },
          'text/csv': { schema: { description: 'CSV with a header row holding the model’s feature columns' } },
          'multipart/form-data': { schema: { description: 'A CSV file in a file field (e.g. `file`)' } },
        },
      },
      response: {
        200: { content: { 'application/json': { schema: batchResponse }, 'text/csv': { schema: { type: 'string' } } } },
      },
    },
  }, async (request, reply) => {
    const format: BatchFormat = (request.headers.accept ?? '').includes('text/csv') ? 'csv' : 'json';
    const result = Array.isArray(request.body) ? scoreRecords(currentModel(ctx), request.body as Record<string, unknown>[], format) : await scoreUpload(request, format);
    ctx.metrics.countPredictions(result.churn, result.count - result.churn);
    reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
    return result.body;
  });
}
