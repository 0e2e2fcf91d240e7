import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { SoftwareVersions } from './index.ts';

const require = createRequire(import.meta.url);

/** Versions of the harness, Node and the named packages as installed. */
export function softwareVersions(packages: string[] = []): SoftwareVersions {
  const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  const versions: SoftwareVersions = { mgta: root.version, node: process.version };
  for (const name of packages) versions[name] = installedVersion(name) ?? 'not installed';
  return versions;
}

/**
 * A package's version from its package.json. Packages whose `exports` hide package.json
 * (fast-xml-parser 5) are found from their entry point, walking up to the package.json that
 * names them.
 */
function installedVersion(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    // not exported, or not installed: try the entry point
  }
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    return undefined;
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === name) return manifest.version;
  }
  return undefined;
}
