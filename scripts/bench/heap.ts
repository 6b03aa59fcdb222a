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
 * Collects garbage, then reads the heap in use (MB). Also called between phases, so one phase's
 * thousand dead clients are not collected during the next phase's timed windows.
 */
export function settledHeapMb(): number {
  collect?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
