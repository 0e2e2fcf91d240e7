import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDetEval } from './detector-commands.ts';

describe('det eval --json', () => {
  it('refuses to overwrite a result file of the run, before reading anything', () => {
    const root = mkdtempSync(join(tmpdir(), 'mgta-det-eval-'));
    const results = join(root, 'results');
    mkdirSync(results);
    const resultFile = join(results, 'comp4_det_test_bag.txt');
    writeFileSync(resultFile, '000001 0.9 1 1 10 10\n');
    expect(() => runDetEval({ devkit: join(root, 'VOCdevkit'), year: '2007', split: 'test', results, json: resultFile })).toThrow(
      /--json: .*comp4_det_test_bag\.txt is a file of the input folder .*results; writing the result there would overwrite it/,
    );
    expect(readFileSync(resultFile, 'utf8')).toBe('000001 0.9 1 1 10 10\n');
  });
});
