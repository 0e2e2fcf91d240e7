import type { Command } from 'commander';
import { cacheRoot, clearCache, listCacheEntries } from '@mgta/core';

/** `mgta cache ls|clear`: the content-addressed caches (features, detector body maps, ...). */
export function registerCacheCommands(program: Command): void {
  const cache = program.command('cache').description(`list or clear cached features and maps (root: $MGTA_CACHE_DIR or .cache/mgta)`);
  cache
    .command('ls')
    .description('list complete cache entries with their inputs and sizes')
    .option('--kind <kind>', 'only this kind of entry (e.g. features)')
    .action((options: { kind?: string }) => {
      const entries = listCacheEntries().filter((entry) => !options.kind || entry.kind === options.kind);
      if (entries.length === 0) {
        console.log(`no cache entries under ${cacheRoot()}`);
        return;
      }
      for (const entry of entries) {
        const mib = (entry.bytes / 2 ** 20).toFixed(1);
        console.log(`${entry.kind}/${entry.key}  ${mib} MiB  ${entry.createdAt}  ${JSON.stringify(entry.inputs)}`);
      }
    });
  cache
    .command('clear')
    .description('remove cache entries')
    .option('--kind <kind>', 'only this kind of entry')
    .action((options: { kind?: string }) => {
      const removed = clearCache({ kind: options.kind });
      console.log(`removed ${removed} cache entr${removed === 1 ? 'y' : 'ies'} from ${cacheRoot()}`);
    });
}
