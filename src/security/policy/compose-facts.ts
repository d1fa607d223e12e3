import type { YNode } from '../misconfig/yaml-node.js';
import { isProjectImage } from './images.js';

export interface ComposeService {
  name: string;
  node: YNode;
  line: number;
  /** `image:` as written and interpolated (null when a variable has no default). */
  image: { raw: string; resolved: string | null; line: number } | null;
  /** The service is built from a Dockerfile (`build:`). */
  built: boolean;
  /** Built here, or runs the project image: the service the per-service checks apply to. */
  project: boolean;
}

export interface ComposeFacts {
  file: string;
  root: YNode;
  services: ComposeService[];
}

/** The most text after an unclosed `${` that is still substituted. */
const MAX_UNCLOSED_TAIL = 1024;

/**
 * Compose variable interpolation with the defaults written in the file: `${X:-d}` and `${X-d}`
 * give d, `$$` is a dollar; a variable with no default is unknown here, so null.
 */
export function interpolate(text: string): string | null {
  // Past the last `}` no `${…}` can close, yet every `${X:-` there rescans to the end (quadratic on hostile files):
  // a long unclosed tail is left unresolved.
  const open = text.indexOf('${', text.lastIndexOf('}') + 1);
  if (open >= 0 && text.length - open > MAX_UNCLOSED_TAIL) return null;
  let unresolved = false;
  // eslint-disable-next-line security/detect-unsafe-regex -- [^}]* rescans only past the last `}`, which the check above bounds to MAX_UNCLOSED_TAIL
  const out = text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*)|(:?\?)[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, _name: string | undefined, dash: string | undefined, def: string | undefined) => {
    if (m === '$$') return '$';
    if (dash !== undefined) return def ?? '';
    unresolved = true;
    return '';
  });
  return unresolved ? null : out;
}

export function readCompose(file: string, root: YNode, projectImage: string): ComposeFacts {
  const services: ComposeService[] = [];
  const svcs = root.get('services');
  for (const name of svcs?.keys() ?? []) {
    const node = svcs?.get(name);
    if (!node?.isMap()) continue;
    const imageNode = node.get('image');
    const raw = imageNode?.str();
    const image = raw === undefined || imageNode === undefined ? null : { raw, resolved: interpolate(raw), line: imageNode.line };
    const built = node.get('build') !== undefined;
    services.push({ name, node, line: node.line, image, built, project: built || (typeof image?.resolved === 'string' && isProjectImage(image.resolved, projectImage)) });
  }
  return { file, root, services };
}
