import { fromTrustedRegistry, parseRef } from '../images.js';
import type { CheckContext, PolicyReason } from '../types.js';
import { describeResource, type CheckType } from './check-type.js';

/** One place an image is named: a Dockerfile FROM, a Kubernetes container, a Compose service. */
export interface ImageUse {
  file: string;
  line: number;
  /** As written, with defaults substituted where they resolve. */
  image: string;
  resolved: boolean;
  where: string;
}

export function imageUses(ctx: CheckContext): ImageUse[] {
  const out: ImageUse[] = [];
  const df = ctx.facts.dockerfile();
  for (const s of df?.stages ?? []) {
    if (s.fromStage || s.base === 'scratch') continue;
    out.push({ file: df?.file ?? '', line: s.line, image: s.base ?? s.rawBase, resolved: s.base !== null, where: `FROM ${s.rawBase}` });
  }
  for (const w of ctx.facts.workloads()) {
    const containers = [...(w.podSpec.get('initContainers')?.items() ?? []), ...(w.podSpec.get('containers')?.items() ?? [])];
    for (const c of containers) {
      const n = c.get('image');
      out.push({ file: w.obj.file, line: (n ?? c).line, image: n?.str() ?? '', resolved: true, where: describeResource(w.obj.kind, w.obj.name, c.get('name')?.str()) });
    }
  }
  const compose = ctx.facts.compose();
  for (const s of compose?.services ?? []) {
    // A built service's image: names what the build produces; nothing is pulled.
    if (s.built || !s.image) continue;
    out.push({ file: compose?.file ?? '', line: s.image.line, image: s.image.resolved ?? s.image.raw, resolved: s.image.resolved !== null, where: `service ${s.name}` });
  }
  return out;
}

function unusable(u: ImageUse): PolicyReason | null {
  if (!u.resolved) return { file: u.file, line: u.line, message: `${u.where}: image ${u.image} uses a variable with no default, so it cannot be checked` };
  if (parseRef(u.image) === null) return { file: u.file, line: u.line, message: `${u.where}: "${u.image}" is not a valid image reference` };
  return null;
}

/** No base or deployed image uses a forbidden tag (no tag at all means latest); a digest pins any tag. */
export const imageTagsCheck: CheckType = {
  type: 'image-tags',
  summary: 'no Dockerfile FROM, Kubernetes or Compose image uses a forbidden tag unless pinned by digest',
  params: ['forbid'],
  sources: ['dockerfile', 'kubernetes', 'compose'],
  bind(node, path, r) {
    const forbid = r.strList(node, 'forbid', path, { required: false, nonEmpty: true }) ?? ['latest'];
    return {
      run: (ctx) =>
        imageUses(ctx).flatMap((u): PolicyReason[] => {
          const bad = unusable(u);
          if (bad) return [bad];
          const ref = parseRef(u.image);
          if (!ref || ref.digest !== null || ref.tag === null || !forbid.includes(ref.tag)) return [];
          const implicit = !/:[^/]+$/.test(u.image);
          return [{ file: u.file, line: u.line, message: `${u.where}: image ${u.image} ${implicit ? 'has no tag, which means latest' : `uses the ${ref.tag} tag`}; pin a version (and a digest)` }];
        }),
    };
  },
};

/** Every image comes from the allow-list under `trusted_registries`. */
export const trustedRegistriesCheck: CheckType = {
  type: 'trusted-registries',
  summary: 'every Dockerfile FROM, Kubernetes and Compose image comes from a trusted registry',
  params: [],
  sources: ['dockerfile', 'kubernetes', 'compose'],
  bind: () => ({
    run(ctx) {
      const allow = ctx.policy.trustedRegistries;
      if (allow === null || allow.length === 0) return [{ file: ctx.policy.displayPath, line: ctx.policy.trustedRegistriesLine, message: 'no trusted_registries allow-list is set' }];
      return imageUses(ctx).flatMap((u): PolicyReason[] => {
        const bad = unusable(u);
        if (bad) return [bad];
        const ref = parseRef(u.image);
        if (!ref || fromTrustedRegistry(ref, allow)) return [];
        return [{ file: u.file, line: u.line, message: `${u.where}: image ${u.image} (${ref.repository}) is not from a trusted registry (allowed: ${allow.join(', ')})` }];
      });
    },
  }),
};
