import { defineConfig } from 'vitest/config';

// One root config, one vitest project per Nx project (each folder with a package.json).
export default defineConfig({
  test: {
    projects: ['libs/*', 'apps/*', 'benchmarks'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
