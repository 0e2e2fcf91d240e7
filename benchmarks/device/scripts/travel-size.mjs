#!/usr/bin/env node
/**
 * What travels to the lent GPU machine, and whether it fits: the device tool copies the tracked
 * files, the untracked files git does not ignore, and the ignored paths named in `carry`, 64 MiB
 * in all (/work/.library/device/README.md). pack.sh carries one path, .device.
 *
 *   node benchmarks/device/scripts/travel-size.mjs [--carry .device] [--manifest .device/pack.json]
 *
 * Prints one row per packed part and the total; with --manifest, records them (and the commit)
 * in that JSON file first. Exits 1 when the total is over the limit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const LIMIT_BYTES = 64 * 2 ** 20;
const MiB = (bytes) => (bytes / 2 ** 20).toFixed(2);

/** Bytes of a file, or of every file under a folder (links count as themselves). */
export function sizeOf(path) {
  const stats = lstatSync(path);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

/** The repository files that travel whatever `carry` says. */
export function treeBytes(root) {
  const list = (args) => execFileSync('git', ['ls-files', '-z', ...args], { cwd: root, maxBuffer: 1 << 28 }).toString().split('\0').filter(Boolean);
  const bytes = (files) => files.reduce((sum, file) => sum + (existsSync(join(root, file)) ? lstatSync(join(root, file)).size : 0), 0);
  const shared = existsSync(join(root, 'shared')) ? sizeOf(join(root, 'shared')) : 0;
  return { tracked: bytes(list(['--cached'])), untracked: bytes(list(['--others', '--exclude-standard'])) + shared };
}

/**
 * The table: the tree, then each carried part. `parts` are { name, bytes } rows; the verdict
 * compares their sum with the limit.
 */
export function budget(tree, parts, limit = LIMIT_BYTES) {
  const rows = [
    { name: 'tracked files', bytes: tree.tracked },
    { name: 'untracked, not ignored (travel too)', bytes: tree.untracked },
    ...parts,
  ];
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  return { rows, total, limit, fits: total <= limit };
}

export function formatBudget({ rows, total, limit, fits }) {
  const width = Math.max(...rows.map((row) => row.name.length), 5);
  const line = (name, bytes) => `${name.padEnd(width)}  ${MiB(bytes).padStart(7)} MiB`;
  return [
    ...rows.map((row) => line(row.name, row.bytes)),
    '-'.repeat(width + 13),
    line('total', total),
    `${fits ? 'fits' : 'OVER'} the ${MiB(limit)} MiB limit (${MiB(Math.abs(limit - total))} MiB ${fits ? 'to spare' : 'too much'})`,
  ].join('\n');
}

/** One row per top-level entry of the carried folder, its path relative to the root. */
export function packParts(root, carry) {
  const dir = join(root, carry);
  return readdirSync(dir).sort().map((name) => ({ name: `${carry}/${name}`, bytes: sizeOf(join(dir, name)) }));
}

function gitState(root) {
  const git = (...args) => execFileSync('git', args, { cwd: root }).toString().trim();
  return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no') !== '' };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { carry: { type: 'string', default: '.device' }, manifest: { type: 'string' }, root: { type: 'string' } } });
  const root = resolve(values.root ?? fileURLToPath(new URL('../../../', import.meta.url)));
  const tree = treeBytes(root);
  if (values.manifest) {
    // written first, so that it is counted too
    const parts = Object.fromEntries(packParts(root, values.carry).map((p) => [p.name, p.bytes]));
    writeFileSync(resolve(root, values.manifest), `${JSON.stringify({ createdAt: new Date().toISOString(), ...gitState(root), node: process.version, carry: [values.carry], parts, tree }, null, 1)}\n`);
  }
  const result = budget(tree, packParts(root, values.carry));
  process.stdout.write(`${formatBudget(result)}\ncarry: ${JSON.stringify([relative(root, resolve(root, values.carry))])}\n`);
  process.exitCode = result.fits ? 0 : 1;
}
