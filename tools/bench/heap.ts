import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

// Heap figures that mean something: heapUsed straight after a full collection. `npm run bench`
// runs plain `node`, so the collector is reached the documented-for-debugging way (enable
// --expose-gc at runtime, read `gc` from a fresh context); where that fails the figures are
// reported as approximate rather than not at all.

let collect: (() => void) | undefined;
try {
  v8.setFlagsFromString('--expose-gc');
  collect = vm.runInNewContext('gc') as () => void;
} catch {
  collect = undefined;
}

export const heapFiguresAreExact = collect !== undefined;

/**
 * A full collection, untimed, before every timed window: with a thousand tenant clients in the
 * heap a major collection takes over half a second, and it must not land in the window of
 * whichever variant happens to run next. What a variant's own allocations trigger inside its
 * window stays in its figures.
 */
export function collectGarbage(): void {
  collect?.();
}

/** Collects garbage, then reads the heap in use (MB). */
export function settledHeapMb(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export interface MemoryFigures {
  /** heapUsed + external after a full collection, MB. */
  heapAndExternalMb: number;
  heapUsedMb: number;
  externalMb: number;
  /** What V8 keeps committed for its heap (heapTotal): after a collection, the pages it did not give back. */
  heapTotalMb: number;
  rssMb: number;
  /**
   * RSS split as the kernel counts it (/proc/self/status): anonymous memory (what the process
   * allocated) and file pages (mapped code and libraries, which the kernel may drop and re-read at
   * will — on a machine running a proactive reclaimer, RSS moves with it). Undefined off Linux.
   */
  rssAnonMb: number | undefined;
  rssFileMb: number | undefined;
}

function readStatusKb(field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Heap used, external memory and RSS after a full collection. */
export function settledMemory(): MemoryFigures {
  collectGarbage();
  const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
  const mb = (bytes: number) => bytes / 2 ** 20;
  const kbToMb = (kb: number | undefined) => (kb === undefined ? undefined : kb / 1024);
  return {
    heapAndExternalMb: mb(heapUsed + external),
    heapUsedMb: mb(heapUsed),
    externalMb: mb(external),
    heapTotalMb: mb(heapTotal),
    rssMb: mb(rss),
    rssAnonMb: kbToMb(readStatusKb('RssAnon')),
    rssFileMb: kbToMb(readStatusKb('RssFile')),
  };
}
