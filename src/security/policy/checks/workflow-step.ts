import type { YNode } from '../../misconfig/yaml-node.js';
import type { CheckContext, PolicyReason } from '../types.js';
import type { CheckType } from './check-type.js';

function triggers(root: YNode): string[] {
  const on = root.get('on');
  if (!on) return [];
  if (on.isMap()) return on.keys();
  const items = on.items();
  return items.length > 0 ? items.map((i) => i.str() ?? '') : [on.str() ?? ''];
}

/** A CI workflow triggered on every build runs a step that calls the given command, and that step may not fail silently. */
export const workflowStepCheck: CheckType = {
  type: 'workflow-step',
  summary: 'a CI workflow triggered on the given events runs a step calling the given command, without continue-on-error',
  params: ['run', 'on'],
  sources: ['workflows'],
  bind(node, path, r) {
    const run = r.str(node, 'run', path);
    const on = r.strList(node, 'on', path, { required: false, nonEmpty: true }) ?? ['push', 'pull_request'];
    if (run === undefined) return null;
    return { run: (ctx) => workflowStep(ctx, run, on) };
  },
};

function workflowStep(ctx: CheckContext, command: string, events: string[]): PolicyReason[] {
  const src = ctx.tree.sources.workflows;
  if (src.state !== 'found') return [];
  const workflows = ctx.facts.workflows();
  if (workflows.length === 0) return [{ file: src.where, line: 0, message: 'no workflow files' }];
  const problems: PolicyReason[] = [];
  let found = false;
  for (const wf of workflows) {
    const jobs = wf.root.get('jobs');
    const hits = (jobs?.keys() ?? []).flatMap((name) => {
      const job = jobs?.get(name);
      return (job?.get('steps')?.items() ?? []).filter((s) => (s.get('run')?.str() ?? '').includes(command)).map((step) => ({ name, job, step }));
    });
    if (hits.length === 0) {
      problems.push({ file: wf.file, line: 0, message: `no step runs ${command}` });
      continue;
    }
    const on = triggers(wf.root);
    if (!events.some((e) => on.includes(e))) {
      problems.push({ file: wf.file, line: wf.root.get('on')?.line ?? 0, message: `the workflow that runs ${command} is not triggered on ${events.join(' or ')} (on: ${on.join(', ') || 'nothing'})` });
      continue;
    }
    for (const { name, job, step } of hits) {
      const loose = step.get('continue-on-error')?.scalar() === true ? step.get('continue-on-error') : job?.get('continue-on-error')?.scalar() === true ? job.get('continue-on-error') : undefined;
      if (loose) problems.push({ file: wf.file, line: loose.line, message: `job ${name} runs ${command} with continue-on-error: true, so a failed scan does not fail the build` });
      else found = true;
    }
  }
  return found ? [] : problems;
}
