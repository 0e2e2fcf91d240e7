#!/usr/bin/env node
// The harness is written in TypeScript and run through tsx's loader, so no build step
// stands between editing a file and running it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
const code = await main(process.argv);
// Exit explicitly once stdout is flushed: tfjs-wasm's thread pool (and ORT's) would keep
// Node alive after the command has finished.
process.stdout.write('', () => process.exit(code));
