import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/** Every Nx project folder (one with a package.json) becomes a vitest project named after its package. */
function projectFolders(): string[] {
  const folders = ['libs', 'apps'].flatMap((group) => readdirSync(group).map((name) => join(group, name)));
  return [...folders, 'benchmarks'].filter((folder) => existsSync(join(folder, 'package.json')));
}

// One root config: the projects extend it, so the timeouts below hold everywhere.
export default defineConfig({
  test: {
    // The CPU back ends, pinned: a GPU visible on some machine must not move the numbers
    // that tests compare (tfjs-wasm for training, ORT's CPU provider for inference).
    env: { MGTA_BACKEND: 'wasm', MGTA_DEVICE: 'cpu' },
    testTimeout: 120_000,
    hookTimeout: 300_000,
    projects: projectFolders().map((folder) => ({
      extends: true,
      test: {
        name: JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).name as string,
        root: folder,
      },
    })),
  },
});
