import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';

/** Real test images, a real registry and a real Docker engine, as ../shared/CONTAINERS.md describes. */

export interface EntrySpec {
  path: string;
  content?: string | Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  linkname?: string;
  mode?: number;
}

const digestOf = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** An uncompressed layer tar with exactly these entries, names as given (so hostile ones too). */
export async function tarLayer(entries: EntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  })();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const body = type === 'file' ? Buffer.from(e.content ?? '') : undefined;
    const header = { name: e.path, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), linkname: e.linkname, size: body?.length ?? 0 };
    await new Promise<void>((res, rej) => (body ? pack.entry(header, body, (err) => (err ? rej(err) : res())) : pack.entry(header, (err) => (err ? rej(err) : res()))));
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export const gzipLayer = (layer: Buffer): Buffer => gzipSync(layer);

export interface ImageSpec {
  /** Layer blobs: plain tar or gzip, as written. */
  layers: Buffer[];
  /** Uncompressed tars when the blobs are compressed (for diff_ids); default the blobs. */
  diffs?: Buffer[];
  config?: Record<string, unknown>;
  architecture?: string;
  os?: string;
  /** A layer mediaType to claim instead of the one the bytes deserve. */
  layerMediaType?: string;
}

const isGzip = (b: Buffer): boolean => b[0] === 0x1f && b[1] === 0x8b;

function writeBlob(dir: string, data: Buffer | string): { digest: string; size: number } {
  const digest = digestOf(data);
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), data);
  return { digest, size: Buffer.byteLength(data) };
}

/** Writes one image's config, layers and manifest into an OCI layout; returns the manifest descriptor. */
export function writeImage(dir: string, spec: ImageSpec): { mediaType: string; digest: string; size: number; platform: { os: string; architecture: string } } {
  const platform = { os: spec.os ?? 'linux', architecture: spec.architecture ?? 'amd64' };
  const diffIds = (spec.diffs ?? spec.layers.map((l) => (isGzip(l) ? gunzipSync(l) : l))).map(digestOf);
  const config = JSON.stringify({
    ...platform,
    config: spec.config ?? {},
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: spec.layers.map((_, i) => ({ created_by: `layer ${i}` })),
  });
  const layers = spec.layers.map((l) => ({
    mediaType: spec.layerMediaType ?? `application/vnd.oci.image.layer.v1.tar${isGzip(l) ? '+gzip' : ''}`,
    ...writeBlob(dir, l),
  }));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...writeBlob(dir, config) },
    layers,
  });
  return { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...writeBlob(dir, manifest), platform };
}

/**
 * Writes an OCI layout whose index.json tags each image; an entry with several platforms becomes
 * a multi-arch index.
 */
export function writeOciLayout(dir: string, images: Record<string, ImageSpec | ImageSpec[]>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const manifests = Object.entries(images).map(([tag, spec]) => {
    const annotations = { 'org.opencontainers.image.ref.name': tag };
    if (!Array.isArray(spec)) {
      const { platform: _p, ...d } = writeImage(dir, spec);
      return { ...d, annotations };
    }
    const index = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: spec.map((s) => writeImage(dir, s)) });
    return { mediaType: 'application/vnd.oci.image.index.v1+json', ...writeBlob(dir, index), annotations };
  });
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}

/** Runs a command; rejects with its stderr. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
}

export const skopeoCopy = (src: string, dst: string, ...extra: string[]): Promise<string> =>
  run('skopeo', ['copy', '--quiet', '--insecure-policy', '--dest-tls-verify=false', '--src-tls-verify=false', ...extra, src, dst]);

/**
 * A Debian image made by umoci whose one layer holds this machine's own dpkg database and
 * os-release, as an OCI layout `dir:tag`.
 */
export async function buildDebianOci(dir: string, tag = 'bookworm'): Promise<string> {
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  mkdirSync(join(rootfs, 'var', 'lib', 'dpkg'), { recursive: true });
  copyFileSync('/etc/os-release', join(rootfs, 'etc', 'os-release'));
  copyFileSync('/var/lib/dpkg/status', join(rootfs, 'var', 'lib', 'dpkg', 'status'));
  const layout = join(dir, 'oci');
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', `${layout}:${tag}`]);
  await run('umoci', ['insert', '--image', `${layout}:${tag}`, rootfs, '/']);
  await run('umoci', ['config', '--image', `${layout}:${tag}`, '--config.cmd', '/bin/bash', '--config.user', '1000', '--os', 'linux', '--architecture', 'amd64']);
  return layout;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, child: ChildProcess, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start within ${ms} ms`);
}

export interface Server {
  /** host:port, or the unix socket path for dockerd. */
  address: string;
  pid: number;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid as number, 'SIGTERM');
    });
}

/** `docker-registry serve` on a free 127.0.0.1 port, storing in `dir`; `extra` is appended YAML (auth). */
export async function startRegistry(dir: string, storage: string, extra = ''): Promise<Server> {
  const port = await freePort();
  const config = join(dir, `registry-${port}.yml`);
  writeFileSync(config, `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\nhttp:\n  addr: 127.0.0.1:${port}\n${extra}`);
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const address = `127.0.0.1:${port}`;
  await waitFor(async () => [200, 401].includes((await fetch(`http://${address}/v2/`)).status), 'docker-registry', child);
  return { address, pid: child.pid as number, stop: stopper(child) };
}

/** A real dockerd with its own roots and socket under `dir`: no bridge, no iptables, vfs storage. */
export async function startDockerd(dir: string): Promise<Server> {
  const socket = join(dir, 'docker.sock');
  const log = join(dir, 'dockerd.log');
  const args = ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'dockerd.pid'), '-H', `unix://${socket}`];
  args.push('--bridge=none', '--iptables=false', '--ip6tables=false', '--ip-masq=false', '--storage-driver=vfs', '--log-level=error');
  const out = openSync(log, 'a');
  const child = spawn('dockerd', args, { stdio: ['ignore', out, out] });
  const ping = (): Promise<boolean> =>
    new Promise((resolve) => {
      const req = request({ socketPath: socket, path: '/_ping' }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
  await waitFor(ping, `dockerd (log: ${log})`, child, 45_000);
  return { address: socket, pid: child.pid as number, stop: stopper(child) };
}
