import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { Inventory, TargetInfo } from '../types.js';

/**
 * The inventory as a CycloneDX 1.5 JSON SBOM: one component per package with its purl, and the
 * scanned image (or folder) as the BOM's subject. Built with the CycloneDX library so the output
 * follows the specification rather than our reading of it.
 */
export function buildCycloneDx(target: TargetInfo, inventory: Inventory, now: Date, toolVersion: string): string {
  const bom = new Models.Bom();
  bom.metadata.timestamp = now;
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'churn-predictor', { version: toolVersion }));
  const subject = new Models.Component(target.kind === 'fs' ? Enums.ComponentType.Application : Enums.ComponentType.Container, target.name, {
    bomRef: 'target',
    version: target.digest ?? undefined,
  });
  bom.metadata.component = subject;
  if (inventory.os) {
    const os = new Models.Component(Enums.ComponentType.OperatingSystem, inventory.os.family, { version: inventory.os.version, bomRef: 'os' });
    bom.components.add(os);
  }
  const seen = new Set<string>();
  for (const p of inventory.packages) {
    if (seen.has(p.purl)) continue;
    seen.add(p.purl);
    const c = new Models.Component(Enums.ComponentType.Library, p.name, { version: p.version, bomRef: p.purl });
    c.purl = p.purl;
    c.properties.add(new Models.Property('churn-predictor:path', p.path));
    c.properties.add(new Models.Property('churn-predictor:layer', String(p.layer)));
    if (p.srcName) c.properties.add(new Models.Property('churn-predictor:source-package', `${p.srcName}@${p.srcVersion ?? p.version}`));
    for (const l of p.licenses ?? []) c.licenses.add(new Models.NamedLicense(l));
    bom.components.add(c);
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot5));
  return serializer.serialize(bom, { sortLists: true, space: 2 });
}
