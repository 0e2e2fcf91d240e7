/**
 * Runs the parts one after the other, each in a child process of its own with a time limit:
 * a crash, a hang or a missing GPU ends that part only (fail soft), and the record keeps what it
 * handed over before. The whole check keeps to one budget; a part that cannot start in time is
 * recorded as skipped.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseResultLine } from './emit.ts';
import type { Profile } from './profiles.ts';
import type { RecordFile } from './record.ts';

export interface PartPlan {
  name: string;
  args: string[];
  /** Its own limit; the check's remaining budget may cut it shorter. */
  budgetS: number;
}

/** Order: the cheap and telling first; the accelerated tfjs part last, it uses what time is left. */
export function plan(mode: 'gpu' | 'cpu', profile: Profile): PartPlan[] {
  const paper = profile.name === 'paper';
  return [
    { name: 'env', args: ['env'], budgetS: 40 },
    { name: 'ort', args: ['ort'], budgetS: paper ? 100 : 120 },
    { name: 'tfjs-ref', args: ['tfjs', '--role', 'ref', '--backend', 'wasm'], budgetS: paper ? 60 : 90 },
    { name: 'kmeans', args: ['kmeans'], budgetS: 45 },
    // The rehearsal's stand-in for the GPU is wasm on one thread: tfjs-cpu (plain JavaScript)
    // needs many minutes for one detector-head step.
    { name: 'tfjs-accel', args: ['tfjs', '--role', 'accel', ...(mode === 'gpu' ? ['--backend', 'webgpu'] : ['--backend', 'wasm', '--threads', '1'])], budgetS: paper ? 240 : 150 },
  ];
}

/** Below this many seconds left, a part is not started. */
const MIN_START_S = 15;
/** Kept back for writing the summary after the last part. */
const RESERVE_S = 3;

export async function runParts(parts: PartPlan[], common: string[], record: RecordFile, budgetS: number, log: string): Promise<void> {
  const deadline = Date.now() + budgetS * 1000;
  for (const part of parts) {
    const leftS = (deadline - Date.now()) / 1000 - RESERVE_S;
    if (leftS < MIN_START_S) {
      record.part(part.name, { status: 'skipped', error: `out of time (${Math.max(0, leftS).toFixed(0)} s of the ${budgetS} s budget left)` });
      continue;
    }
    await runPart(part, common, record, Math.min(part.budgetS, leftS), log);
  }
}

async function runPart(part: PartPlan, common: string[], record: RecordFile, limitS: number, log: string): Promise<void> {
  const started = Date.now();
  record.part(part.name, { status: 'running' });
  const say = (line: string) => {
    appendFileSync(log, `${line}\n`);
    process.stderr.write(`${line}\n`);
  };
  say(`--- ${part.name} (limit ${limitS.toFixed(0)} s)`);
  // execArgv: the same loader flags when run from source (tsx); none in the bundle.
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], 'part', ...part.args, ...common], {
    env: { ...process.env, MGTA_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 5) tail.shift();
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    const result = parseResultLine(line);
    if (result) {
      record.result(result.key, result.value);
      say(`${part.name}: ${result.key} = ${JSON.stringify(result.value).slice(0, 300)}`);
    } else {
      say(`${part.name}| ${line}`);
    }
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    keep(line);
    say(`${part.name}! ${line}`);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, limitS * 1000);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (c, s) => resolve({ code: c, signal: s })));
  clearTimeout(timer);
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  if (timedOut) record.part(part.name, { status: 'timeout', seconds, error: `killed after ${limitS.toFixed(0)} s` });
  else if (code === 0) record.part(part.name, { status: 'ok', seconds });
  else record.part(part.name, { status: 'failed', seconds, error: `exit ${code ?? signal}: ${tail.join(' | ').slice(-400)}` });
  say(`--- ${part.name}: ${record.record.parts[part.name].status} in ${seconds} s`);
}
