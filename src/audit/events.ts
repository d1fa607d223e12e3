/** Every event the audit log records. Add new names here; never rename a released one. */
export const AUDIT_EVENTS = [
  'auth.success',
  'auth.failure',
  'authz.denied',
  'apikey.created',
  'apikey.revoked',
  'ratelimit.rule_changed',
  'model.reloaded',
  'model.reload_failed',
  'config.changed',
  'scan.completed',
  'policy.violation',
  'risk.accepted',
  'risk.revoked',
] as const;

export type AuditEvent = (typeof AUDIT_EVENTS)[number];

export function isAuditEvent(name: string): name is AuditEvent {
  return (AUDIT_EVENTS as readonly string[]).includes(name);
}
