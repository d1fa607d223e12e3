import { describe, expect, it } from 'vitest';
import { createLogger, lazyChildLogger } from '../../src/api/logger.js';
import { testApp } from './helpers.js';

describe('request loggers', () => {
  it('make the pino child only when the request logs, with its bindings and redaction', () => {
    const lines: string[] = [];
    const parent = createLogger('info', { write: (l: string) => void lines.push(l) });
    let children = 0;
    const child = parent.child.bind(parent);
    parent.child = ((...args: Parameters<typeof child>) => (children++, child(...args))) as typeof parent.child;

    const quiet = lazyChildLogger(parent, { request_id: 'r-1' }, {});
    expect(quiet.level).toBe('info');
    expect(children).toBe(0);

    const loud = lazyChildLogger(parent, { request_id: 'r-2' }, {});
    loud.info({ authorization: 'Bearer cp_hidden', n: 3 }, 'refused %s', 'row 7');
    loud.warn('second line');
    expect(children).toBe(1);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ request_id: 'r-2', n: 3, msg: 'refused row 7', authorization: '[REDACTED]', service: 'churn-predictor' });
    expect(second).toMatchObject({ request_id: 'r-2', msg: 'second line', level: 40 });
  });

  it('keep a route log level, and a level set on them applies', () => {
    const lines: string[] = [];
    const parent = createLogger('info', { write: (l: string) => void lines.push(l) });
    const routeLevel = lazyChildLogger(parent, { request_id: 'r-3' }, { level: 'error' });
    expect(routeLevel.level).toBe('error');
    routeLevel.info('dropped');
    routeLevel.error('kept');
    const raised = lazyChildLogger(parent, { request_id: 'r-4' }, {});
    raised.level = 'debug';
    raised.debug('shown');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['kept', 'shown']);
  });

  it('carry the request id of the response into the line of a refused request', async () => {
    const t = await testApp();
    const res = await t.app.inject({ method: 'POST', url: '/predict', payload: { customer_data: { tenure: 'many' } } });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    const line = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.request_id === res.headers['x-request-id']);
    expect(line).toMatchObject({ level: 30, code: (res.json() as { error: string }).error });
  });
});
