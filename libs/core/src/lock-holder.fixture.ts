// A separate process holding an output lock, for tests: a lock is only meaningful across
// processes. Usage: node --import tsx lock-holder.fixture.ts <dir> [hold|throw|exit]
import { acquireOutputLock } from './output-lock.ts';

const [dir, mode = 'hold'] = process.argv.slice(2);
acquireOutputLock(dir, { command: 'lock-holder fixture', sweep: false });
process.stdout.write('locked\n');
if (mode === 'throw') setTimeout(() => { throw new Error('fixture failed while holding the lock'); }, 50);
else if (mode === 'exit') setTimeout(() => process.exit(3), 50);
else setInterval(() => undefined, 1_000);
