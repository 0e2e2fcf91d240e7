import { describe, expect, it } from 'vitest';
import { machineText } from './format.ts';
import { clsRecord } from './test-fixtures.ts';

describe('machineText', () => {
  it('gives the threads of the one process, or the jobs and the threads of each', () => {
    const record = clsRecord({ random: [0.2, 0.3] });
    expect(machineText(record)).toBe('Test CPU, 2 cores, 24 GiB, linux/x64, Node v20.19.0; execution provider cpu; 2 threads');
    const laned = { ...record, execution: { ...record.execution, backend: 'wasm', threads: 1, jobs: 2 } };
    expect(machineText(laned)).toBe('Test CPU, 2 cores, 24 GiB, linux/x64, Node v20.19.0; backend wasm; execution provider cpu; 2 jobs of 1 thread');
  });
});
