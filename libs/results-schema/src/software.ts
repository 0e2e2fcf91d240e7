import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SoftwareVersions } from './index.ts';

const require = createRequire(import.meta.url);

/** Versions of the harness, Node and the named packages as installed. */
export function softwareVersions(packages: string[] = []): SoftwareVersions {
  const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  const versions: SoftwareVersions = { mgta: root.version, node: process.version };
  for (const name of packages) {
    try {
      versions[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      versions[name] = 'not installed';
    }
  }
  return versions;
}
