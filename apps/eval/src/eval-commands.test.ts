import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '@mgta/core';
import { evaluateDetections } from '@mgta/voc-eval';
import { registerEvalCommands, runEvalCls } from './eval-commands.ts';

const CASE = '/work/shared/fixtures/voc-eval/case102';
const expected = JSON.parse(readFileSync(join(CASE, 'expected.json'), 'utf8'));
const out = mkdtempSync(join(tmpdir(), 'eval-app-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Runs `mgta <args>` through commander in this process, as apps/cli does. */
async function mgta(args: string[]): Promise<void> {
  const program = new Command('mgta').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerEvalCommands(program);
  const [stdout, stderr] = [process.stdout.write, process.stderr.write];
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await program.parseAsync(['node', 'mgta', ...args]);
  } finally {
    [process.stdout.write, process.stderr.write] = [stdout, stderr];
  }
}

describe('mgta eval-det / eval-cls', () => {
  it('eval-det --json writes every class AP of the golden case', async () => {
    const json = join(out, 'det.json');
    await mgta(['eval-det', '--devkit', join(CASE, 'VOCdevkit'), '--year', '2007', '--split', 'test', '--results', join(CASE, 'results'), '--json', json]);
    const written = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(written)).toEqual(['classes', 'map', 'map07']);
    for (const [cls, want] of Object.entries<{ ap: number | null; ap07: number | null; npos: number }>(expected.det)) {
      expect(Object.keys(written.classes[cls])).toEqual(['ap', 'ap07', 'npos']);
      expect(written.classes[cls].npos).toBe(want.npos);
      if (want.ap === null) expect(written.classes[cls]).toEqual({ ap: null, ap07: null, npos: 0 });
      else {
        expect(written.classes[cls].ap).toBeCloseTo(want.ap, 9);
        expect(written.classes[cls].ap07).toBeCloseTo(want.ap07!, 9);
      }
    }
    expect(written.map07).toBeCloseTo(expected.det_map07, 9);
    // bicycle has no ground truth: the mean is over the 19 other classes.
    const defined = Object.values<{ ap: number | null }>(expected.det).filter((c) => c.ap !== null);
    expect(written.map).toBeCloseTo(defined.reduce((sum, c) => sum + c.ap!, 0) / defined.length, 12);
  });

  it('eval-cls --classes prints the table and writes only those classes', async () => {
    const json = join(out, 'cls.json');
    await mgta(['eval-cls', '--devkit', join(CASE, 'VOCdevkit'), '--results', join(CASE, 'results'), '--classes', 'car,bicycle', '--json', json]);
    const written = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(written.classes)).toEqual(['car', 'bicycle']);
    expect(written.classes.car.ap).toBeCloseTo(expected.cls.car.ap, 9);
    expect(written.classes.bicycle.ap).toBeNull();
    expect(written.map).toBeCloseTo(expected.cls.car.ap, 9);

    let printed = '';
    runEvalCls(
      { devkit: join(CASE, 'VOCdevkit'), year: '2007', split: 'test', results: join(CASE, 'results'), classes: 'car,bicycle' },
      { out: (text) => (printed += text), err: () => {} },
    );
    expect(printed.split('\n').slice(1, 5)).toEqual([
      'class      npos       AP     AP07',
      `car           7    ${(100 * expected.cls.car.ap).toFixed(2)}    ${(100 * expected.cls.car.ap07).toFixed(2)}`,
      'bicycle       0      n/a      n/a',
      `mean               ${(100 * expected.cls.car.ap).toFixed(2)}    ${(100 * expected.cls.car.ap07).toFixed(2)}`,
    ]);
  });

  it('bad flags are input errors naming the flag', async () => {
    const base = ['--devkit', join(CASE, 'VOCdevkit'), '--results', join(CASE, 'results')];
    await expect(mgta(['eval-det', ...base, '--iou', 'half'])).rejects.toThrow(InputError);
    await expect(mgta(['eval-det', ...base, '--iou', 'half'])).rejects.toThrow('--iou: "half" is not a number between 0 and 1');
    await expect(mgta(['eval-cls', ...base, '--classes', 'car,,dog'])).rejects.toThrow('--classes: "car,,dog" has an empty class name');
    await expect(mgta(['eval-cls', '--devkit', join(CASE, 'nowhere'), '--results', out])).rejects.toThrow(/VOC devkit folder does not exist/);
  });

  it('--iou changes the matching threshold', async () => {
    const json = join(out, 'det75.json');
    await mgta(['eval-det', '--devkit', join(CASE, 'VOCdevkit'), '--results', join(CASE, 'results'), '--iou', '0.75', '--json', json]);
    const written = JSON.parse(readFileSync(json, 'utf8'));
    const direct = evaluateDetections({ devkit: join(CASE, 'VOCdevkit'), year: '2007', split: 'test', resultsDir: join(CASE, 'results'), iouThreshold: 0.75 });
    expect(written.map07).toBe(direct.map07);
    expect(written.map07).toBeLessThan(expected.det_map07);
  });

  it('a missing result file fails naming the class and folder; --allow-missing scores it 0 and lists it', async () => {
    const results = join(out, 'missing-car');
    cpSync(join(CASE, 'results'), results, { recursive: true });
    rmSync(join(results, 'comp4_det_test_car.txt'));
    const args = ['eval-det', '--devkit', join(CASE, 'VOCdevkit'), '--results', results];
    await expect(mgta(args)).rejects.toThrow(InputError);
    await expect(mgta(args)).rejects.toThrow(`${results}: no result file comp4_det_test_<class>.txt for 1 of 20 classes: car (--allow-missing scores them AP 0)`);

    const json = join(out, 'missing-car.json');
    await mgta([...args, '--allow-missing', '--json', json]);
    const written = JSON.parse(readFileSync(json, 'utf8'));
    expect(written.missing).toEqual(['car']);
    expect(written.classes.car.ap).toBe(0);
    let printed = '';
    let warned = '';
    runEvalCls(
      { devkit: join(CASE, 'VOCdevkit'), year: '2007', split: 'test', results, allowMissing: true },
      { out: (text) => (printed += text), err: (text) => (warned += text) },
    );
    expect(printed).not.toMatch(/no result file/);
    rmSync(join(results, 'comp1_cls_test_dog.txt'));
    runEvalCls(
      { devkit: join(CASE, 'VOCdevkit'), year: '2007', split: 'test', results, allowMissing: true },
      { out: (text) => (printed += text), err: (text) => (warned += text) },
    );
    expect(printed).toMatch(/\nno result file for dog: scored AP 0 \(--allow-missing\)\n/);
    expect(warned).toBe(`warning: ${results} has no result file for dog; scored AP 0 (--allow-missing)\n`);
  });

  it('an empty --results folder is an error even with --allow-missing', async () => {
    const empty = join(out, 'empty');
    mkdirSync(empty);
    await expect(mgta(['eval-cls', '--devkit', join(CASE, 'VOCdevkit'), '--results', empty, '--allow-missing']))
      .rejects.toThrow(`${empty}: no result file comp1_cls_test_<class>.txt for any of the 20 class(es) (the folder is empty)`);
  });

  it('--json refuses to overwrite a result file or a devkit file', async () => {
    const results = join(out, 'json-target');
    cpSync(join(CASE, 'results'), results, { recursive: true });
    const target = join(results, 'comp4_det_test_car.txt');
    const before = readFileSync(target, 'utf8');
    const base = ['--devkit', join(CASE, 'VOCdevkit'), '--results', results];
    await expect(mgta(['eval-det', ...base, '--json', target])).rejects.toThrow(`--json: ${target} is an input of this run`);
    expect(readFileSync(target, 'utf8')).toBe(before);
    const labels = join(CASE, 'VOCdevkit', 'VOC2007', 'ImageSets', 'Main', 'test.txt');
    await expect(mgta(['eval-cls', ...base, '--json', labels])).rejects.toThrow(/--json: .*test\.txt is a file of the input folder/);
    // A new file beside the results is fine.
    writeFileSync(join(results, 'notes.txt'), '');
    await mgta(['eval-det', ...base, '--json', join(results, 'det.json')]);
  });
});
