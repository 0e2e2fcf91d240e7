// Package versions as installed, read from each package's own package.json.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { softwareVersions } from './software.ts';

const manifestVersion = (name: string) => (JSON.parse(readFileSync(new URL(`../../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;

describe('softwareVersions', () => {
  it('reads a package that exports its package.json, one whose exports hide it (fast-xml-parser 5), and names a missing one', () => {
    const versions = softwareVersions(['commander', 'fast-xml-parser', 'no-such-package-mgta']);
    expect(versions.commander).toBe(manifestVersion('commander'));
    expect(versions['fast-xml-parser']).toBe(manifestVersion('fast-xml-parser'));
    expect(versions['fast-xml-parser']).toMatch(/^\d+\.\d+\.\d+/);
    expect(versions['no-such-package-mgta']).toBe('not installed');
    expect(versions.node).toBe(process.version);
  });
});
