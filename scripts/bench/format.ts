import type { BenchConfig } from './config';
import type { CellSummary, QuietBudget } from './measure';
import { WORKLOADS, type WorkloadKey } from './workload';

// Number, table and sentence formatting shared by the report sections.

export const integer = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
export const ms = (value: number) => (!Number.isFinite(value) ? 'n/a' : value < 10 ? value.toFixed(2) : value.toFixed(1));
export const mb = (value: number) => `${value.toFixed(value < 10 && value > -10 ? 1 : 0)} MB`;
export const signedMb = (value: number) => `${value >= 0 ? '+' : '−'}${mb(Math.abs(value))}`;
export const percent = (value: number | undefined) => (value === undefined ? 'n/a' : `${Math.round(value * 100)}%`);
export const seconds = (msTotal: number) => `${(msTotal / 1000).toFixed(1)} s`;
export const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
export const signed = (value: number) => `${value >= 0 ? '+' : '−'}${integer(Math.abs(value))}`;
export const cores = (value: number | undefined) => value?.toFixed(2) ?? 'n/a';

export function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const rule = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Right-aligned columns for the console. */
export function columns(widths: number[], cells: string[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[i]!))).join(' ');
}

/** As the report spells a verdict. */
export type Verdict = 'met' | 'NOT met';
export const verdictOf = (met: boolean): Verdict => (met ? 'met' : 'NOT met');

/** One line of the targets table. */
export interface TargetLine {
  target: string;
  figure: string;
  verdict: Verdict;
  /** Why the figure may understate the variant (other processes were busy), if so. */
  note?: string;
}

export const workloadLabel = (key: WorkloadKey) => WORKLOADS.find((w) => w.key === key)!.label;

/** "0.83 (median of 0.81, 0.83, 0.86)" — or just the figure when there were fewer than three runs. */
export function withRuns({ median, perRun }: { median: number; perRun: number[] }, digits = 2): string {
  const figure = median.toFixed(digits);
  return perRun.length >= 3 ? `${figure} (median of ${perRun.map((value) => value.toFixed(digits)).join(', ')})` : figure;
}

/** Whether other processes were busier than the quiet threshold during any of these summaries. */
export const disturbedBy = (config: BenchConfig, summaries: readonly CellSummary[]) =>
  summaries.some((summary) => (summary.otherCores ?? 0) > config.quietThresholdCores);

/** How much the quiet-window guard had to repeat, and how disturbed the kept windows still were. */
export function quietLine(quiet: QuietBudget, config: BenchConfig, other: number, budgetSeconds = config.repeatBudgetSeconds): string {
  const budget = `${integer(budgetSeconds - quiet.remainingMs / 1000)} s of a ${integer(budgetSeconds)} s repeat budget used`;
  const repeats =
    quiet.repeated === 0
      ? `no timed window needed repeating (a window is repeated, at most twice, when other processes use more than ${quiet.thresholdCores} cores during it)`
      : `${quiet.repeated} repeats across ${quiet.windows} timed windows, because other processes used more than ${quiet.thresholdCores} cores ` +
        `during them; the quietest attempt of each window was kept (${budget})`;
  return other > config.quietThresholdCores
    ? `**Shared machine:** ${repeats}; still, other processes averaged up to ${other.toFixed(2)} cores over one measurement's kept windows, which understates that variant.`
    : `**Quiet run:** ${repeats}; other processes averaged at most ${other.toFixed(2)} cores over any measurement's kept windows.`;
}
