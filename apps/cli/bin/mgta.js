#!/usr/bin/env node
// The harness is written in TypeScript and run through tsx's loader, so no build step
// stands between editing a file and running it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
