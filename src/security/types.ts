/**
 * The plain, serializable values that pass between the scan stages:
 * target (what is scanned) -> inventory (facts: OS, packages) -> vuln (findings) -> report.
 * No stage hands another anything but these.
 */

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
/** Sort order of a severity, most severe first. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, UNKNOWN: 4 };

/** The parts of an image's config that later checks read. */
export interface ImageConfig {
  user: string;
  env: string[];
  exposedPorts: string[];
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  labels: Record<string, string>;
  healthcheck: { test: string[] } | null;
  os: string;
  architecture: string;
  history: { createdBy: string; emptyLayer: boolean }[];
}

export interface LayerInfo {
  index: number;
  /** Digest of the layer blob as stored (compressed), e.g. sha256:… */
  digest: string;
  /** Digest of the uncompressed layer (the config's rootfs.diff_ids entry). */
  diffId: string;
  size: number;
  createdBy?: string;
}

/** A file of the merged image filesystem (or of a directory target), with its content. */
export interface ImageFile {
  /** Absolute, normalized path inside the image: "/etc/os-release". */
  path: string;
  /** Index of the layer the visible version comes from (0 for directory targets). */
  layer: number;
  size: number;
  mode: number;
  content: Buffer;
}

export type TargetKind = 'docker-engine' | 'registry' | 'docker-archive' | 'oci' | 'fs';

/** What was scanned, as resolved: enough to name it in a report and tie findings to layers. */
export interface TargetInfo {
  /** As the user wrote it. */
  name: string;
  kind: TargetKind;
  /** Image manifest digest when known. */
  digest: string | null;
  /** Image ID (config digest) when known. */
  imageId: string | null;
  repoTags: string[];
  repoDigests: string[];
  config: ImageConfig | null;
  layers: LayerInfo[];
}

export type OsFamily = 'debian' | 'ubuntu' | 'alpine' | 'distroless' | 'redhat' | 'unknown';

export interface OsInfo {
  family: OsFamily;
  /** Release as the OSV ecosystems use it: "12" for Debian bookworm, "3.19" for Alpine. */
  version: string;
  name: string;
  codename: string | null;
  /** Distroless images built on Debian report family distroless and the Debian release here. */
  baseFamily?: OsFamily;
}

export type Ecosystem = 'debian' | 'ubuntu' | 'alpine' | 'npm' | 'pypi' | 'rpm';

export interface Package {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  /** Distro packages: the source package and its version (Debian "Source:"), which advisories name. */
  srcName?: string;
  srcVersion?: string;
  arch?: string;
  purl: string;
  /** Where it was found: the database or manifest file, and the layer that file came from. */
  path: string;
  layer: number;
  licenses?: string[];
}

export interface Inventory {
  os: OsInfo | null;
  packages: Package[];
  /** Skipped malformed entries, each with its file and reason; never fatal. */
  warnings: { path: string; message: string }[];
}

export interface VulnerabilityFinding {
  id: string;
  aliases: string[];
  pkgName: string;
  /** Ecosystem-qualified identity of the package, for grouping. */
  purl: string;
  installedVersion: string;
  fixedVersion: string | null;
  severity: Severity;
  /** CVSS base score when a vector was present. */
  score: number | null;
  cvssVector: string | null;
  title: string;
  description: string;
  references: string[];
  /** The package's database or manifest path and layer. */
  pkgPath: string;
  layer: LayerInfo | null;
  /** The OSV ecosystem the advisory came from, e.g. "Debian:12". */
  source: string;
  published: string | null;
  modified: string | null;
}
