import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkSecurityPolicies, PolicyFileError, policyReportJson } from '../../security/policy/index.js';
import type { AppContext } from '../context.js';

const admin = { access: 'admin', rateRule: 'admin' } as const;
const reason = { type: 'object', properties: { file: { type: 'string' }, line: { type: 'integer' }, message: { type: 'string' } } } as const;
const reasons = { type: 'array', items: reason } as const;

const reportSchema = {
  type: 'object',
  properties: {
    schema_version: { type: 'integer' },
    policy_file: { type: 'string' },
    deploy_dir: { type: 'string' },
    passed: { type: 'boolean', description: 'false when a required policy is violated' },
    summary: { type: 'object', properties: { enabled: { type: 'integer' }, recommended_missing: { type: 'integer' }, violated: { type: 'integer' } } },
    policies: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          area: { type: 'string', enum: ['runtime', 'network', 'image'] },
          status: { type: 'string', enum: ['enabled', 'recommended-missing', 'violated'] },
          enforcement: { type: 'string', enum: ['required', 'recommended', 'optional'] },
          declared_enforcement: { type: 'string', enum: ['required', 'recommended', 'optional'] },
          description: { type: 'string' },
          reasons,
          checks: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, passed: { type: 'boolean' }, reasons } } },
        },
      },
    },
    thresholds: {
      type: 'array',
      items: {
        type: 'object',
        properties: { severity: { type: 'string' }, max: { type: ['integer', 'null'] }, source: { type: 'string' }, due_days: { type: ['integer', 'null'] }, due_source: { type: 'string' } },
      },
    },
    trusted_registries: { type: ['array', 'null'], items: { type: 'string' } },
    signature_requirements: { type: 'integer' },
  },
} as const;

/**
 * The security policies with their status computed from the deploy files in DEPLOY_DIR (the
 * same data as `churn security-policies --format json`). Admin keys only, like every /admin route:
 * the answer maps the deployment's weak points.
 */
export async function policyRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  app.get('/admin/security/policies', {
    config: admin,
    schema: {
      summary: 'Security policies and their status, computed from the deploy files (DEPLOY_DIR)',
      tags: ['admin'],
      security: [{ bearer: [] }],
      response: { 200: reportSchema },
    },
  }, async (request, reply) => {
    try {
      const { report } = await checkSecurityPolicies({ deployDir: ctx.config.deployDir, config: ctx.config });
      return policyReportJson(report);
    } catch (e) {
      if (!(e instanceof PolicyFileError)) throw e;
      // The server's own files are at fault, not the request: logged in full, answered with a fixed sentence.
      request.log.error({ err: e }, 'security policies unavailable');
      return unavailable(request, reply, e.code);
    }
  });
}

function unavailable(request: FastifyRequest, reply: FastifyReply, code: string): FastifyReply {
  const detail = 'the security policy file or deploy folder on the server cannot be used; run `churn security-policies --deploy DIR` on the server (DEPLOY_DIR) for the details';
  return reply.code(500).send({ error: code, detail, request_id: request.id });
}
