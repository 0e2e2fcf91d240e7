#!/usr/bin/env node
// Runs the CLI built into dist/cli (apps/cli/scripts/build.mjs) when it is up to date with
// its sources. When a source changed since, the build is redone first (about a second), so
// editing a .ts file and rerunning a command just works; when it cannot be built (a compile
// error, a read-only checkout) the TypeScript sources run through tsx's loader, as before.
// MGTA_FROM_SOURCE=1 always runs the sources; MGTA_NO_BUILD=1 runs them instead of rebuilding.
import { pathToFileURL } from 'node:url';
import { join, relative } from 'node:path';
import { DIST, ROOT, build, markUsed, readManifest, staleReason } from '../scripts/build.mjs';

const where = relative(ROOT, DIST);

async function builtEntry() {
  if (process.env.MGTA_FROM_SOURCE === '1') return undefined;
  const manifest = readManifest();
  const reason = staleReason(manifest);
  if (reason === null) {
    markUsed(join(DIST, 'builds', manifest.id));
    return join(DIST, manifest.entry);
  }
  if (process.env.MGTA_NO_BUILD === '1') {
    process.stderr.write(`mgta: ${where} is out of date (${reason}); running the sources through tsx\n`);
    return undefined;
  }
  try {
    const built = await build();
    if (!built.reused) process.stderr.write(`mgta: rebuilt ${where} in ${(built.ms / 1000).toFixed(1)} s (${reason})\n`);
    return built.entry;
  } catch (error) {
    process.stderr.write(`mgta: could not build ${where} (${error.message}); running the sources through tsx\n`);
    return undefined;
  }
}

const entry = await builtEntry();
let main;
if (entry !== undefined) {
  if (process.env.MGTA_DEBUG) process.setSourceMapsEnabled(true);
  ({ main } = await import(pathToFileURL(entry).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
const code = await main(process.argv);
// Exit explicitly once stdout is flushed: tfjs-wasm's thread pool (and ORT's) would keep
// Node alive after the command has finished.
process.stdout.write('', () => process.exit(code));
