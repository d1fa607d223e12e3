import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Comparison, FindingRef } from '../../security/history/index.js';
import { AVAILABLE_SCANNERS, type ScannerName } from '../../security/scan.js';
import { securityScans } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { httpError } from '../http-errors.js';
import { ScanJobs, ScanQueueFullError } from '../scan-jobs.js';
import { securitySnapshot } from '../security-metrics.js';
import { allowedScanTarget } from '../scan-targets.js';

const admin = { access: 'admin', rateRule: 'admin' } as const;
const security = [{ bearer: [] }];
const nullableString = { type: ['string', 'null'] } as const;
const findingRef = { type: 'object', properties: { key: { type: 'string' }, kind: { type: 'string' }, id: { type: 'string' }, package: { type: 'string' }, severity: { type: 'string' } } } as const;

const scanSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    target: { type: 'string', description: 'The history the scan is filed under (image references fully qualified, paths absolute)' },
    target_input: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
    source: { type: 'string', enum: ['cli', 'api'] },
    requested_by: { type: 'string' },
    scanners: { type: 'array', items: { type: 'string' } },
    created_at: { type: 'string' },
    started_at: nullableString,
    scanned_at: nullableString,
    digest: nullableString,
    error: nullableString,
    gate: {
      type: ['object', 'null'],
      properties: { passed: { type: 'boolean' }, counts: { type: 'object', additionalProperties: { type: 'integer' } }, reasons: { type: 'array', items: { type: 'string' } } },
    },
    comparison: {
      type: ['object', 'null'],
      description: 'Against the previous scan of the same target: new, fixed (verified by this re-scan) and still open',
      properties: {
        previous: { type: ['object', 'null'], properties: { scan_id: { type: 'string' }, scanned_at: { type: 'string' } } },
        new: { type: 'array', items: findingRef },
        fixed: { type: 'array', items: findingRef },
        still_open: { type: 'array', items: findingRef },
      },
    },
    report: { type: ['object', 'null'], additionalProperties: true, description: 'The report in the Trivy JSON layout (SchemaVersion 2)' },
  },
} as const;

function comparisonView(c: Comparison | null) {
  if (c === null) return null;
  const refs = (list: FindingRef[]) => list.map((f) => ({ key: f.key, kind: f.kind, id: f.id, package: f.package, severity: f.severity }));
  return { previous: c.previous ? { scan_id: c.previous.scanId, scanned_at: c.previous.scannedAt } : null, new: refs(c.new), fixed: refs(c.fixed), still_open: refs(c.stillOpen) };
}

function refuse(request: FastifyRequest, reply: FastifyReply, status: number, error: string, detail: string): FastifyReply {
  return reply.code(status).send({ error, detail, request_id: request.id });
}

/**
 * Security scans as background jobs: POST queues one (admin key), GET reports its status and,
 * once done, its report, gate and comparison with the previous scan of the target. Also feeds
 * the security gauges of /metrics from the store.
 */
export async function securityRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const jobs = new ScanJobs({ store: ctx.store, config: ctx.config, log: app.log, closeWaitMs: Math.floor(ctx.config.shutdownTimeoutMs / 2) });
  app.addHook('onClose', () => jobs.close());
  ctx.metrics.watchSecurity(
    () => securitySnapshot(ctx.store, ctx.config.security.dueDays, new Date()),
    (error) => app.log.warn({ err: error }, 'could not read the security scans for /metrics'),
  );

  app.post<{ Body: { target: string; scanners?: ScannerName[] } }>('/admin/security/scan', {
    config: admin,
    schema: {
      summary: 'Starts a security scan in the background; poll GET /admin/security/scans/{id}',
      description:
        'Image references are fetched from their registry (never the local Docker engine). Local paths are refused unless SECURITY_SCAN_ROOT names a folder, and must lie inside it. ' +
        'One scan runs at a time; when SECURITY_SCAN_QUEUE_LENGTH more are waiting, further requests get 503 SCAN_QUEUE_FULL with Retry-After.',
      tags: ['admin'],
      security,
      body: {
        type: 'object',
        properties: {
          target: { type: 'string', minLength: 1, maxLength: 1000, description: 'host:port/name:tag, docker://REF, or (under SECURITY_SCAN_ROOT) fs:PATH, oci:DIR[:tag], docker-archive:PATH' },
          scanners: { type: 'array', items: { type: 'string', enum: [...AVAILABLE_SCANNERS] }, minItems: 1, maxItems: AVAILABLE_SCANNERS.length, uniqueItems: true, description: 'default ["vuln"]' },
        },
        required: ['target'],
        additionalProperties: false,
      },
      response: {
        202: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' }, target: { type: 'string' } } },
      },
    },
  }, async (request, reply) => {
    if (!ctx.config.security.scanEnabled) return refuse(request, reply, 403, 'SCAN_DISABLED', 'security scans are turned off on this service (SECURITY_SCAN_ENABLED=false)');
    const target = await allowedScanTarget(request.body.target, ctx.config);
    let job;
    try {
      job = await jobs.submit({ target, scanners: request.body.scanners ?? ['vuln'], actor: `key:${request.principal?.id ?? '?'}` });
    } catch (error) {
      if (!(error instanceof ScanQueueFullError)) throw error;
      reply.header('retry-after', '30');
      return refuse(request, reply, 503, error.code, error.message);
    }
    reply.code(202).header('location', `/admin/security/scans/${job.id}`);
    return { id: job.id, status: job.status, target };
  });

  app.get<{ Params: { id: string } }>('/admin/security/scans/:id', {
    config: admin,
    schema: {
      summary: "A scan's status; when done, its report (Trivy layout), gate and comparison with the previous scan of the target",
      tags: ['admin'],
      security,
      params: { type: 'object', properties: { id: { type: 'string', pattern: '^scan_[A-Za-z0-9]{16}$' } }, required: ['id'] },
      response: { 200: scanSchema },
    },
  }, async (request) => {
    const scan = await securityScans.get(ctx.store, request.params.id);
    if (scan === null) throw httpError('NOT_FOUND', `no security scan with id ${request.params.id}`);
    return {
      id: scan.id,
      target: scan.target,
      target_input: scan.targetInput,
      status: scan.status,
      source: scan.source,
      requested_by: scan.requestedBy,
      scanners: scan.scanners,
      created_at: scan.createdAt,
      started_at: scan.startedAt,
      scanned_at: scan.scannedAt,
      digest: scan.digest,
      error: scan.error,
      gate: scan.gate,
      comparison: comparisonView(scan.comparison),
      report: scan.status === 'done' ? (scan.report as Record<string, unknown> | null) : null,
    };
  });
}
