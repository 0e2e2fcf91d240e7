import type { Command } from 'commander';
import { cacheRoot, clearCache, listCacheEntries, listCacheLeftovers, type CacheLeftoverInfo } from '@mgta/core';

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** `mgta cache ls|clear`: the content-addressed caches (features, detector body maps, ...). */
export function registerCacheCommands(program: Command): void {
  const cache = program.command('cache').description(`list or clear cached features and maps (root: $MGTA_CACHE_DIR or .cache/mgta)`);
  cache
    .command('ls')
    .description('list cache entries with their inputs and sizes, and the work and partial folders of unfinished builds')
    .option('--kind <kind>', 'only this kind of entry (e.g. features)')
    .action((options: { kind?: string }) => {
      const ofKind = (item: { kind: string }) => !options.kind || item.kind === options.kind;
      const entries = listCacheEntries().filter(ofKind);
      const leftovers = listCacheLeftovers().filter(ofKind);
      if (entries.length === 0 && leftovers.length === 0) {
        console.log(`no cache entries under ${cacheRoot()}`);
        return;
      }
      for (const entry of entries) {
        console.log(`${entry.kind}/${entry.key}  ${mib(entry.bytes)}  ${entry.createdAt}  ${JSON.stringify(entry.inputs)}`);
      }
      for (const leftover of leftovers) console.log(describeLeftover(leftover));
    });
  cache
    .command('clear')
    .description('remove cache entries and the work and partial folders of unfinished builds (not those of a running process)')
    .option('--kind <kind>', 'only this kind of entry')
    .action((options: { kind?: string }) => {
      const { entries, leftovers, kept } = clearCache({ kind: options.kind });
      console.log(`removed ${entries} cache entr${entries === 1 ? 'y' : 'ies'} and ${leftovers} work/partial folder${leftovers === 1 ? '' : 's'} from ${cacheRoot()}`);
      for (const leftover of kept) console.log(`kept ${describeLeftover(leftover)}`);
    });
}

function describeLeftover(leftover: CacheLeftoverInfo): string {
  const owner = leftover.type === 'partial'
    ? `build by pid ${leftover.pid} ${leftover.live ? '(running)' : '(ended: unfinished)'}`
    : `resumable work${leftover.live ? ' (in use by a running build)' : ''}`;
  return `${leftover.kind}/${leftover.key}  ${mib(leftover.bytes)}  ${leftover.type}  ${owner}`;
}
