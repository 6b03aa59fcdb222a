// What one `npm run bench:noisy` does, read once from the environment. The defaults are the
// documented run (about five minutes here); NOISY_* overrides exist for quick smoke runs, whose
// report is kept out of docs/noisy-neighbour.md unless NOISY_OUTPUT names a file.

export const DEFAULT_REPORT_PATH = 'docs/noisy-neighbour.md';

export interface NoisySettings {
  /** Seconds A's traffic is measured per window. */
  seconds: number;
  /** Each round has one quiet and one flood window; odd rounds run the flood first. */
  rounds: number;
  /** Untimed traffic before the first round: A alone, then A beside the flood, this long each. */
  warmupSeconds: number;
  /** The flood runs this long before A's window starts, so A meets it at full speed. */
  leadSeconds: number;
  /** A's steady rate and the connections it is spread over. */
  quietRate: number;
  quietConnections: number;
  /** B's keep-alive connections, each sending its next request as soon as the last one answered. */
  floodConnections: number;
  /** Windows that may be measured again because other processes disturbed them (one repeat each at most). */
  repeats: number;
  /** The bar: A's p99 under the flood at most this many times its quiet p99. */
  targetRatio: number;
  reportPath: string | undefined;
  overrides: Record<string, string>;
}

function readNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name}=${raw} is not valid: expected a number ≥ ${min}.`);
  return value;
}

export function readSettings(): NoisySettings {
  const overrides = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        (entry[0].startsWith('NOISY_') || entry[0] === 'API_REFUSAL_HOLD_MS') && entry[0] !== 'NOISY_OUTPUT' && entry[1] !== undefined,
    ),
  );
  const isDocumentedRun = Object.keys(overrides).length === 0;
  return {
    seconds: readNumber('NOISY_SECONDS', 30, 2),
    rounds: Math.round(readNumber('NOISY_ROUNDS', 3, 1)),
    warmupSeconds: readNumber('NOISY_WARMUP_SECONDS', 5, 0),
    leadSeconds: readNumber('NOISY_LEAD_SECONDS', 2, 0),
    quietRate: Math.round(readNumber('NOISY_RATE', 40, 1)),
    quietConnections: Math.round(readNumber('NOISY_CONNECTIONS', 4, 1)),
    floodConnections: Math.round(readNumber('NOISY_FLOOD_CONNECTIONS', 32, 1)),
    repeats: Math.round(readNumber('NOISY_REPEATS', 4, 0)),
    targetRatio: 1.5,
    reportPath: process.env.NOISY_OUTPUT || (isDocumentedRun ? DEFAULT_REPORT_PATH : undefined),
    overrides,
  };
}
