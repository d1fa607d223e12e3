import { openDirectory } from './directory.js';
import { openDockerArchive } from './docker-archive.js';
import { openEngineImage } from './docker-engine.js';
import { TargetError } from './errors.js';
import type { TargetLimits } from './limits.js';
import { openOciArchive, openOciLayout } from './oci-layout.js';
import { parseTarget } from './reference.js';
import type { Credentials } from './registry-auth.js';
import { openRegistryImage } from './registry.js';
import type { ImageSource } from './source.js';

export interface TargetOptions {
  limits?: Partial<TargetLimits>;
  /** "os/arch[/variant]" for manifest lists and indexes; default linux/amd64. */
  platform?: string;
  /** Plain HTTP to a registry that is not on loopback. */
  insecure?: boolean;
  credentials?: Credentials;
  /** Engine address; default the DOCKER_HOST environment variable, then /var/run/docker.sock. */
  dockerHost?: string;
  /** false: bare names go to their registry without asking the local engine. */
  engine?: boolean;
}

/** The source a target string names; bare image names try the local engine, then the registry. */
export async function resolveSource(target: string, options: TargetOptions & { limits: TargetLimits }): Promise<ImageSource> {
  const spec = parseTarget(target);
  const { limits } = options;
  const registry = { limits, platform: options.platform, insecure: options.insecure, credentials: options.credentials };
  switch (spec.kind) {
    case 'docker-archive':
      return openDockerArchive(spec.path, target, limits);
    case 'oci':
      return openOciLayout(spec.path, spec.tag, target, options.platform, limits);
    case 'oci-archive':
      return openOciArchive(spec.path, spec.tag, target, options.platform, limits);
    case 'fs':
      return openDirectory(spec.path, target);
    case 'registry':
      return openRegistryImage(spec.ref, target, registry);
    case 'image': {
      if (options.engine !== false) {
        const local = await openEngineImage(target, options.dockerHost ?? process.env.DOCKER_HOST, limits);
        if (local !== null) return local;
      }
      return openRegistryImage(spec.ref, target, registry).catch((e: unknown) => {
        if (e instanceof TargetError && e.code === 'NOT_FOUND') {
          throw new TargetError('NOT_FOUND', `${target}: not in the local Docker engine nor in its registry (${e.message})`, e.details, e);
        }
        throw e;
      });
    }
  }
}
