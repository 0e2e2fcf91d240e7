/**
 * The GPU check (issue 15), bundled into .device/check by benchmarks/device/scripts/bundle.mjs
 * and run by benchmarks/device/check.sh:
 *
 *   node check.js run  --mode gpu|cpu --out <dir> --presets <dir> [--profile paper|small] [--pack <pack.json>] [--budget <s>]
 *   node check.js part env|ort|tfjs|kmeans ...   (one part; started by `run`)
 *
 * `run` writes <out>/gpu-check.json after every result and <out>/check.log, and prints the
 * summary at the end.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { plan, runParts } from './orchestrate.ts';
import { profileNamed } from './profiles.ts';
import { RecordFile } from './record.ts';
import { summary } from './summary.ts';

const { positionals, values: args } = parseArgs({
  allowPositionals: true,
  options: {
    mode: { type: 'string', default: 'gpu' },
    profile: { type: 'string' },
    out: { type: 'string' },
    presets: { type: 'string' },
    pack: { type: 'string' },
    budget: { type: 'string' },
    seed: { type: 'string', default: '15' },
    role: { type: 'string' },
    backend: { type: 'string' },
    threads: { type: 'string' },
  },
});

const mode = args.mode === 'cpu' ? 'cpu' : 'gpu';
const profile = profileNamed(args.profile ?? (mode === 'gpu' ? 'paper' : 'small'));
const seed = Number(args.seed);
const presets = resolve(args.presets ?? 'benchmarks/presets');
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** The detection protocol of the profile's preset, for VOC's 20 classes + background. */
async function detectionProtocol() {
  const { parseDetectionPreset } = await import('@mgta/detection');
  return parseDetectionPreset(readJson(join(presets, `${profile.detectionPreset}.json`)).detection, `${profile.detectionPreset}.json`, 21);
}

const [command, partName] = positionals;
if (command === 'run') {
  if (!args.out) throw new Error('run needs --out <dir>');
  mkdirSync(args.out, { recursive: true });
  const pack = args.pack && existsSync(args.pack) ? readJson(args.pack) : undefined;
  const record = new RecordFile(join(args.out, 'gpu-check.json'), { mode, profile: profile.name, pack }, readJson(join(presets, 'paper.json')));
  const common = ['--mode', mode, '--profile', profile.name, '--presets', presets, '--seed', String(seed)];
  await runParts(plan(mode, profile), common, record, Number(args.budget ?? 285), join(args.out, 'check.log'));
  record.finish();
  process.stdout.write(`\n${summary(record.record)}\n`);
  // 0 only for a whole run: every part finished and every parity check was answered and passed.
  const { parts, parity } = record.record;
  const whole = Object.values(parts).every((p) => p.status === 'ok') && parity.length > 0 && parity.every((row) => row.pass === true);
  process.exit(whole ? 0 : 1);
} else if (command === 'part') {
  switch (partName) {
    case 'env':
      await (await import('./parts/env.ts')).envPart();
      break;
    case 'ort':
      await (await import('./parts/ort.ts')).ortPart({ mode, profile, protocol: await detectionProtocol(), seed });
      break;
    case 'tfjs':
      await (await import('./parts/tfjs.ts')).tfjsPart({
        role: args.role === 'accel' ? 'accel' : 'ref', backend: (args.backend ?? 'wasm') as 'wasm', threads: args.threads ? Number(args.threads) : undefined, profile, protocol: await detectionProtocol(), seed,
      });
      break;
    case 'kmeans':
      await (await import('./parts/kmeans.ts')).kmeansPart(profile, seed);
      break;
    default:
      throw new Error(`unknown part "${partName}" (env, ort, tfjs, kmeans)`);
  }
  // The wasm backend's threads, Dawn and ORT keep the event loop alive.
  process.exit(0);
} else {
  process.stderr.write('usage: check.js run --mode gpu|cpu --out <dir> --presets <dir> | check.js part <name> ...\n');
  process.exit(2);
}
