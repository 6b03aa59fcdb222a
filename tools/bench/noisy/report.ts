import { PLANS } from '../../../lib/billing/plans';
import type { MachineInfo, ServerInfo } from '../environment';
import type { AnswerCounts } from './checks';
import { summarizeLatencies, type LatencySummary } from './latency';
import type { NoisySettings } from './settings';
import type { Correctness, MeasuredWindow, PhaseSummary, RequestCost } from './summary';
import type { TenantUnderTest } from './tenants';

// Turns one run into the console summary and docs/noisy-neighbour.md. Every sentence with a
// number in it is computed here from this run, so the file can be regenerated and never drifts.

export interface NoisyReport {
  startedAt: Date;
  settings: NoisySettings;
  /** The run had to build .next first. */
  builtFirst: boolean;
  machine: MachineInfo;
  server: ServerInfo & { embedded: boolean };
  versions: Record<string, string>;
  appRole: string;
  /** The server's settings, as lib/env parses them from the environment it was given. */
  app: { tenantDbMode: string; poolSize: number; poolReserved: number; redis: boolean; refusalHoldMs: number };
  tenants: { quiet: TenantUnderTest; noisy: TenantUnderTest };
  windows: MeasuredWindow[];
  quiet: PhaseSummary;
  flood: PhaseSummary;
  costs: { quietRequest: RequestCost; floodRequest: RequestCost | undefined };
  /** Windows measured a second time because other processes disturbed the first attempt. */
  repeatedWindows: number;
  correctness: Correctness;
  serverLogLinesSilenced: number;
  wallTimeMs: number;
}

/** A window during which processes outside the benchmark used more than this many cores is flagged. */
export const DISTURBED_CORES = 0.3;

const integer = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const ms = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? 'n/a' : `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
const cores = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(2));
/** One decimal, two when that would round 99.95% and up to a misleading 100.0%. */
const percent = (share: number) => `${(share * 100).toFixed(share > 0.999 && share < 1 ? 2 : 1)}%`;
const times = (value: number) => `${value.toFixed(2)}×`;
const minutes = (msTotal: number) => `${(msTotal / 60_000).toFixed(1)} min`;
const plural = (count: number, noun: string) => `${integer(count)} ${noun}${count === 1 ? '' : 's'}`;

function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const rule = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const countOf = (statuses: Record<string, number>) => Object.values(statuses).reduce((sum, n) => sum + n, 0);
const statusList = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .map(([status, count]) => `${integer(count)} × ${status}`)
    .join(', ');

export interface Verdict {
  ratio: number;
  p50Ratio: number;
  /** A's requests under the flood that got no 200 (refused, failed or timed out). */
  quietFailuresUnderFlood: number;
  met: boolean;
  disturbed: boolean;
}

export function verdictOf(report: NoisyReport): Verdict {
  const { quiet, flood, settings } = report;
  const ratio = flood.latency.all.p99Ms / quiet.latency.all.p99Ms;
  const quietFailuresUnderFlood = countOf(flood.refusals) + flood.errors + flood.timeouts;
  const disturbed = [quiet.worstOtherCores, flood.worstOtherCores].some((value) => (value ?? 0) > DISTURBED_CORES);
  return {
    ratio,
    p50Ratio: flood.latency.all.p50Ms / quiet.latency.all.p50Ms,
    quietFailuresUnderFlood,
    met: ratio <= settings.targetRatio && quietFailuresUnderFlood === 0,
    disturbed,
  };
}

const limitsOf = (tenant: TenantUnderTest) =>
  `${integer(PLANS[tenant.plan].tenantRequestsPerMinute)}/min for the tenant, ` +
  `${integer(PLANS[tenant.plan].keyRequestsPerMinute)}/min per key`;

const rateLimitStore = (report: NoisyReport) =>
  report.app.redis ? 'Redis (REDIS_URL)' : 'PostgreSQL (the `rate_limits` table; no REDIS_URL)';

function verdictSentence(report: NoisyReport, verdict: Verdict): string {
  const { quiet, flood, settings } = report;
  const b = flood.flood!;
  const head = verdict.met ? '**Goal met.**' : '**Goal not met.**';
  const failures =
    verdict.quietFailuresUnderFlood > 0 ? ` ${plural(verdict.quietFailuresUnderFlood, 'request')} of A under the flood got no 200.` : '';
  // A rate-capped client that waits for its answers sends less when they are slow: say so, since
  // the percentiles are of the requests A managed to send.
  const slowed =
    flood.requestsPerSecond < settings.quietRate * 0.9
      ? ` A managed ${flood.requestsPerSecond.toFixed(1)} of the ${settings.quietRate} ` +
        `requests/s it asked for under the flood (${quiet.requestsPerSecond.toFixed(1)} quiet).`
      : '';
  return (
    `${head} Tenant A's p99 went from ${ms(quiet.latency.all.p99Ms)} with no flood to ` +
    `${ms(flood.latency.all.p99Ms)} while tenant B flooded the ` +
    (`same endpoint: **${times(verdict.ratio)}** (goal ≤ ${settings.targetRatio}×). A's p50: ` +
      `${ms(quiet.latency.all.p50Ms)} → ${ms(flood.latency.all.p50Ms)} `) +
    (`(${times(verdict.p50Ratio)}). B sent ${integer(b.requestsPerSecond)} requests/s, ` +
      `${percent(b.rateLimitedShare)} of them answered 429.${slowed}${failures}`)
  );
}

function isolationSentence(c: Correctness): string {
  const checked = c.quiet.checked + c.noisy.checked;
  const bad = c.quiet.foreign + c.quiet.wrong + c.noisy.foreign + c.noisy.wrong;
  if (bad === 0 && c.quietRateLimited === 0)
    return (
      `Isolation held: ${integer(checked)} answers checked (warm-up included), none carried ` +
      `the other tenant's data, and A was never refused.`
    );
  const first = c.quiet.firstProblem ?? c.noisy.firstProblem;
  return (
    `**Isolation failed:** ${integer(bad)} wrong or foreign answers and ` +
    `${integer(c.quietRateLimited)} 429s for A among ${integer(checked + bad)} ` +
    `checked${first ? ` (first: ${first})` : ''}.`
  );
}

function latencyRow(
  label: string,
  quiet: LatencySummary,
  flood: LatencySummary,
  pick: (l: LatencySummary) => number,
  bold = false,
): string[] {
  const ratio = pick(flood) / pick(quiet);
  return [label, ms(pick(quiet)), ms(pick(flood)), bold ? `**${times(ratio)}**` : times(ratio)];
}

function resultsTable(report: NoisyReport): string {
  const { quiet, flood, settings } = report;
  const b = flood.flood!;
  const failed = (p: PhaseSummary) => `${integer(countOf(p.refusals))} / ${integer(p.errors)} / ${integer(p.timeouts)}`;
  return (
    table(
      ['Tenant A (steady reads)', 'Quiet', 'Under B’s flood', 'Flood ÷ quiet'],
      ['l', 'r', 'r', 'r'],
      [
        latencyRow('p50, all requests', quiet.latency.all, flood.latency.all, (l) => l.p50Ms),
        latencyRow('**p99, all requests**', quiet.latency.all, flood.latency.all, (l) => l.p99Ms, true),
        latencyRow('mean', quiet.latency.all, flood.latency.all, (l) => l.meanMs),
        latencyRow('max', quiet.latency.all, flood.latency.all, (l) => l.maxMs),
        latencyRow('p99, order list', quiet.latency.list, flood.latency.list, (l) => l.p99Ms),
        latencyRow('p99, order by id', quiet.latency.detail, flood.latency.detail, (l) => l.p99Ms),
        [
          'requests/s (asked for: ' + settings.quietRate + ')',
          quiet.requestsPerSecond.toFixed(1),
          flood.requestsPerSecond.toFixed(1),
          times(flood.requestsPerSecond / quiet.requestsPerSecond),
        ],
        ['responses timed', integer(quiet.latency.all.count), integer(flood.latency.all.count), ''],
        ['non-200 / socket errors / timeouts', failed(quiet), failed(flood), ''],
      ],
    ) +
    '\n\n' +
    table(
      ['Tenant B (flood, same windows)', 'Under B’s flood'],
      ['l', 'r'],
      [
        ['requests/s', integer(b.requestsPerSecond)],
        ['requests in A’s windows', integer(b.requests)],
        ['answered 429', `${integer(b.rateLimited)} (${percent(b.rateLimitedShare)})`],
        ['answered 200 (what the plan let through)', integer(b.served)],
        ['anything else', Object.keys(b.otherStatuses).length ? statusList(b.otherStatuses) : 'none'],
        ['429 latency p50 / p99 (B’s client)', `${ms(b.rateLimitedLatency.p50Ms)} / ${ms(b.rateLimitedLatency.p99Ms)}`],
        ['socket errors / timeouts', `${integer(b.errors)} / ${integer(b.timeouts)}`],
      ],
    )
  );
}

function windowsTable(report: NoisyReport): string {
  const rows = report.windows.map((w) => {
    const latency = summarizeLatencies([...w.traffic.latenciesMs.list, ...w.traffic.latenciesMs.detail]);
    const b = w.flood;
    return [
      String(w.round + 1),
      w.phase,
      ms(latency.p50Ms),
      ms(latency.p99Ms),
      (w.traffic.responses / (w.traffic.elapsedMs / 1000)).toFixed(1),
      b ? integer(b.requests / b.seconds) : '—',
      b ? percent((b.statuses['429'] ?? 0) / Math.max(1, b.requests)) : '—',
      cores(w.cpu.machine),
      cores(w.cpu.other),
    ];
  });
  return table(
    ['Round', 'Phase', 'A p50', 'A p99', 'A req/s', 'B req/s', 'B 429s', 'Machine busy (cores)', 'Outside the benchmark (cores)'],
    ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows,
  );
}

function cpuTable(report: NoisyReport): string {
  const row = (label: string, p: PhaseSummary) => [
    label,
    cores(p.cores.next),
    cores(p.cores.postgres),
    cores(p.cores.quietClient),
    cores(p.cores.floodClient),
    cores(p.cores.other),
    cores(p.cores.machine),
  ];
  return table(
    ['Phase', 'Next.js server', 'PostgreSQL', 'A’s client', 'B’s client', 'Outside the benchmark', 'Machine busy'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    [row('Quiet', report.quiet), row('Under B’s flood', report.flood)],
  );
}

function costSection(report: NoisyReport): string {
  const { quietRequest, floodRequest } = report.costs;
  const b = report.flood.flood!;
  if (!floodRequest) return 'B sent no requests during the flood windows, so no cost per refusal can be given.';
  const transactions = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(2));
  const costTable = table(
    ['Per request, on average', 'A’s read (200, quiet phase)', `B’s request (${percent(b.rateLimitedShare)} 429s, flood phase)`],
    ['l', 'r', 'r'],
    [
      ['Next.js server CPU', ms(quietRequest.nextCpuMs), ms(floodRequest.nextCpuMs)],
      ['PostgreSQL CPU', ms(quietRequest.postgresCpuMs), ms(floodRequest.postgresCpuMs)],
      ['database transactions (pg_stat_database)', transactions(quietRequest.transactions), transactions(floodRequest.transactions)],
      [
        'latency p50 / p99 at the client',
        `${ms(quietRequest.latency.p50Ms)} / ${ms(quietRequest.latency.p99Ms)}`,
        `${ms(floodRequest.latency.p50Ms)} / ${ms(floodRequest.latency.p99Ms)}`,
      ],
    ],
  );
  const nextShare = floodRequest.nextCpuMs / quietRequest.nextCpuMs;
  const floodNextCores = (floodRequest.nextCpuMs * b.requestsPerSecond) / 1000;
  const floodPgCores = floodRequest.postgresCpuMs === undefined ? undefined : (floodRequest.postgresCpuMs * b.requestsPerSecond) / 1000;
  const perRefusal = floodRequest.transactions;
  const hold =
    report.app.refusalHoldMs > 0
      ? `And a key refused a moment ago is held for up to ${integer(report.app.refusalHoldMs)} ms before it is looked at ` +
        `again (\`lib/rate-limit/pacing.ts\`, API_REFUSAL_HOLD_MS): a timer, no CPU, so each of B’s ` +
        `${report.settings.floodConnections} connections gets about one answer per hold. `
      : `Pacing of refused keys was off in this run (API_REFUSAL_HOLD_MS=0): B’s connections resend as soon as each 429 arrives. `;
  const lookup =
    perRefusal === undefined
      ? 'one database round trip by the code path'
      : `measured here as ${transactions(perRefusal)} database transactions per B request`;
  const served = quietRequest.transactions === undefined ? '' : ` (A’s served reads: ${transactions(quietRequest.transactions)})`;
  const postgres = floodPgCores === undefined ? '' : ` and ${cores(floodPgCores)} of PostgreSQL`;
  const paragraph = [
    `B’s figures are what the flood windows used beyond A’s share (A’s quiet cost per request × ` +
      `A’s requests under the flood), divided by B’s requests. `,
    `Once B’s budgets are spent, rate-limiter-flexible refuses from memory (\`inMemoryBlockOnConsumed\` in ` +
      `\`lib/rate-limit\`): no \`rate_limits\` upsert, no tenant context, no order query. `,
    hold,
    `What each request B gets through to the limiter still costs is everything before it in \`lib/api/route.ts\`: ` +
      `Next.js accepting, routing and proxying the request, and \`authenticate()\`, which resolves the key through ` +
      `\`bulkhead.api_key_for_hash\` before the limiter is asked — ${lookup}${served}. `,
    `So a 429 costs ${times(nextShare)} the Next.js CPU of one of A’s reads — cheap each, but at ` +
      `${integer(b.requestsPerSecond)} requests/s B’s refusals kept ${cores(floodNextCores)} cores of Next.js ` +
      `busy${postgres}, on a machine that has ${report.machine.cores}.`,
  ];
  return [costTable, '', paragraph.join('')].join('\n');
}

function correctnessTable(c: Correctness): string {
  const row = (label: string, counts: AnswerCounts, refused: string) => [
    label,
    integer(counts.checked),
    integer(counts.foreign),
    integer(counts.wrong),
    refused,
  ];
  return table(
    ['Side', '200s checked', 'carrying data it does not own', 'not the answer asked for', '429s'],
    ['l', 'r', 'r', 'r', 'r'],
    [row('Tenant A', c.quiet, integer(c.quietRateLimited)), row('Tenant B', c.noisy, 'expected')],
  );
}

function environmentSection(report: NoisyReport): string {
  const { machine, server, versions } = report;
  const settings = Object.entries(server.settings)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  return [
    `- Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} ` +
      `GiB, ${machine.os}, Node ${machine.node}. Shared with other work: the “outside the benchmark” ` +
      `column is how much of it was busy meanwhile.`,
    `- PostgreSQL ` +
      `${server.version}${server.embedded ? ' (embedded, throw-away cluster, fsync off)' : ' (BOOTSTRAP_DATABASE_URL)'}: ` +
      `${settings}.`,
    `- The app: \`next start\` (production ` +
      `build${report.builtFirst ? ', built by this run' : ''}) as \`${report.appRole}\`; ` +
      `TENANT_DB_MODE=${report.app.tenantDbMode}, DATABASE_POOL_SIZE=${report.app.poolSize}, ` +
      `DATABASE_POOL_RESERVED=${report.app.poolReserved}, ` +
      `API_REFUSAL_HOLD_MS=${report.app.refusalHoldMs}; rate-limit counters in ` +
      `${rateLimitStore(report)}.`,
    `- Versions: ${Object.entries(versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}.`,
    `- Server log lines past the first 40 not echoed: ${integer(report.serverLogLinesSilenced)}.`,
  ].join('\n');
}

/** What the figures say, in sentences that follow the figures (met or not). */
function readingBullets(report: NoisyReport, verdict: Verdict): string {
  const { quiet, flood, costs } = report;
  const b = flood.flood!;
  const perRefusal = costs.floodRequest?.transactions;
  const lookups = perRefusal === undefined ? 'a key lookup' : `${perRefusal.toFixed(2)} database transactions`;
  const limits =
    `- The per-tenant limits do what they are for: B’s flood is refused, it spends only B’s own ` +
    `budget (A was refused ${integer(report.correctness.quietRateLimited)} times), ` +
    `and a refused request costs the database ${lookups} instead of a full read.`;
  const roundTrips = costs.quietRequest.transactions;
  const pool =
    roundTrips === undefined
      ? 'for the same database pool'
      : `for the same database pool of ${report.app.poolSize} connections (one of A’s reads ` +
        `makes ${roundTrips.toFixed(1)} database transactions, each a checkout that can wait behind B’s ` +
        `key lookups)`;
  const busy =
    `Next.js was busy ${cores(flood.cores.next)} cores under the flood against ` +
    `${cores(quiet.cores.next)} quiet, PostgreSQL ${cores(flood.cores.postgres)} against ` +
    `${cores(quiet.cores.postgres)}`;
  const reach = verdict.met
    ? `- The flood still reaches the server: one Next.js process serves both tenants from one ` +
      `event loop, and a request is accepted, parsed, routed and authenticated before the limiter can ` +
      `refuse it, through the same database pool A uses (${busy}). At ${integer(b.requestsPerSecond)} ` +
      `refusals a second that stayed within the goal for A’s p99 in this run.`
    : `- They cannot stop the flood from reaching the server. One Next.js process serves both ` +
      `tenants from one event loop; a request is accepted, parsed, routed and authenticated before the ` +
      `limiter can refuse it, so ${integer(b.requestsPerSecond)} cheap refusals a second queue where ` +
      `A’s reads queue: on the same event loop, ${pool}, and on the same cores (${busy}). A’s extra ` +
      `latency is that queueing; this run does not split it between the three.`;
  return `${limits}\n${reach}`;
}

export function renderMarkdown(report: NoisyReport): string {
  const { settings, tenants, quiet, flood, machine } = report;
  const verdict = verdictOf(report);
  const overrides = Object.entries(settings.overrides).map(([name, value]) => `${name}=${value}`);
  const repeated =
    report.repeatedWindows > 0 ? ` (${plural(report.repeatedWindows, 'window')} measured again, the less disturbed attempt kept)` : '';
  const disturbed = verdict.disturbed
    ? `\n\n> Processes outside the benchmark used up to ` +
      `${cores(Math.max(quiet.worstOtherCores ?? 0, flood.worstOtherCores ?? 0))} cores during a window ` +
      `(see *Per window*): the machine was not quiet${repeated}, ` +
      `so treat the ratio with care and re-run on an idle machine.`
    : '';
  const quietPerMinute = settings.quietRate * 60;
  const pacing =
    report.app.refusalHoldMs > 0
      ? `Pacing of refused keys was on (API_REFUSAL_HOLD_MS=${report.app.refusalHoldMs}); ` +
        `\`API_REFUSAL_HOLD_MS=0 npm run bench:noisy\` shows the same flood without it.`
      : 'Pacing of refused keys was off (API_REFUSAL_HOLD_MS=0); the default run has it on.';
  return (
    `# Noisy neighbour: does one tenant's flood slow another tenant's API?

Generated by \`${overrides.length ? `${overrides.join(' ')} ` : ''}npm run bench:noisy\` on ` +
    `${report.startedAt.toISOString().slice(0, 10)} — ${machine.cores} cores shared by everything ` +
    `below, Node ${machine.node}, PostgreSQL ${report.server.version}, Next.js ` +
    `${report.versions.next}, autocannon ${report.versions.autocannon}; ${minutes(report.wallTimeMs)} ` +
    `from start to report.

${verdictSentence(report, verdict)}

${isolationSentence(report.correctness)}${disturbed}

## What ran

- **The server**: one \`next start\` on the production build in \`.next\`, as the restricted ` +
    `runtime role, on 127.0.0.1 (loopback, no TLS). Rate-limit counters in ${rateLimitStore(report)}.
- **Tenant A** — ${tenants.quiet.name} on ${PLANS[tenants.quiet.plan].label} ` +
    `(${limitsOf(tenants.quiet)}): ${settings.quietRate} requests/s (${integer(quietPerMinute)}/min, ` +
    `${percent(quietPerMinute / PLANS[tenants.quiet.plan].keyRequestsPerMinute)} of its key’s limit) ` +
    `with one key over ${settings.quietConnections} keep-alive connections, alternating \`GET ` +
    `/api/v1/orders\` (first page) and \`GET /api/v1/orders/{id}\` over its ` +
    `${integer(tenants.quiet.orderIds.length)} orders. autocannon’s \`overallRate\` sends each ` +
    `connection’s share of a second back to back, then waits for the next second: A’s load is a burst ` +
    `of ${settings.quietConnections} concurrent requests once a second, the same in both phases. A’s ` +
    `client runs in the benchmark’s own process, which does nothing else meanwhile.
- **Tenant B** — ${tenants.noisy.name} on ${PLANS[tenants.noisy.plan].label} ` +
    `(${limitsOf(tenants.noisy)}): \`GET /api/v1/orders\` over ${settings.floodConnections} ` +
    `keep-alive connections with no rate cap, alternating its ${tenants.noisy.apiKeys.length} keys so ` +
    `that both the per-key and the per-tenant budget run out. B’s client is autocannon in a separate ` +
    `Node process (\`tools/bench/noisy/flood-process.ts\`), so it competes with A’s client for cores ` +
    `but never delays A’s callbacks in one event loop.
- **Schedule**: ${settings.warmupSeconds} s of A alone and ${settings.warmupSeconds} s of A ` +
    `beside the flood first, untimed (routes loaded, pools filled, B’s budget spent). Then ` +
    `${plural(settings.rounds, 'round')} of one quiet and one flood window of ${settings.seconds} s ` +
    `of A’s traffic each, the flood first in every second round so that drift on the machine does not ` +
    `fall on one phase. In a flood window the flood starts ${settings.leadSeconds} s before A’s ` +
    `traffic, and B is counted between two marks that bracket A’s window. A window during which ` +
    `processes outside the benchmark used more than ${DISTURBED_CORES} cores is measured once more ` +
    `(at most ${plural(settings.repeats, 'repeat')} per run; ${integer(report.repeatedWindows)} used) ` +
    `and the less disturbed attempt is kept.
- **Latency**: from writing a request to the last byte of its response, as autocannon’s client ` +
    `sees it, one value per response, merged over all rounds of a phase before percentiles (nearest ` +
    `rank). Raw values, not autocannon’s histogram: for a rate-capped run it adds synthetic samples ` +
    `at 1 ms intervals.
- **Checks**: every 200 either side gets is parsed; every order id and customer id must be the ` +
    `caller’s own (${integer(tenants.quiet.orderIds.length)} and ` +
    `${integer(tenants.noisy.orderIds.length)} orders, read through the ops role), an order by id ` +
    `must be the one asked for, and the other tenant’s canaries ` +
    `(\`${tenants.noisy.markers.join('`, `')}\` for A; \`${tenants.quiet.markers.join('`, `')}\` for ` +
    `B) must appear nowhere in the body. A 429 for A would mean B spent A’s budget; it counts as a ` +
    `failure.

## Tenant A’s latency, quiet vs under the flood

${resultsTable(report)}

## Per window

${windowsTable(report)}

## Where the ${machine.cores} cores went (average cores busy)

${cpuTable(report)}

Everything shares the same ${machine.cores} cores: the Next.js server, PostgreSQL, A’s client ` +
    `and B’s client. On a real deployment B’s client would run on its own machines, so the ` +
    `${cores(flood.cores.floodClient)} cores of B’s client here would not be on the server — but ` +
    `every request it sends would still cost the server what it costs here.

## What a refused request costs

${costSection(report)}

## Reading these figures

${readingBullets(report, verdict)}
- ${pacing} ` +
    `Not measured here, the other levers: limit per tenant in front of the app (a reverse proxy or ` +
    `edge rule), so a flood never reaches Next.js; more than one server process, so one event loop’s ` +
    `queue is not every tenant’s.
- Loopback on ${machine.cores} shared cores overstates the flood’s reach compared with a ` +
    `production server, where a client of this size would sit on another machine; it understates ` +
    `nothing about what each request costs the server.

## Isolation

${correctnessTable(report.correctness)}

## Machine and versions

${environmentSection(report)}

Re-run with \`npm run bench:noisy\` (\`node --import tsx tools/bench/noisy-neighbour.ts\`); ` +
    `NOISY_SECONDS, NOISY_ROUNDS, NOISY_RATE, NOISY_CONNECTIONS, NOISY_FLOOD_CONNECTIONS, ` +
    `NOISY_WARMUP_SECONDS, NOISY_LEAD_SECONDS and NOISY_REPEATS change the run (such a run writes no ` +
    `report unless NOISY_OUTPUT names a file).
`
  );
}

export function renderConsole(report: NoisyReport): string {
  const { quiet, flood, settings } = report;
  const verdict = verdictOf(report);
  const b = flood.flood!;
  const c = report.correctness;
  const lines = [
    '',
    `Noisy neighbour — A: ${report.tenants.quiet.name} (${report.tenants.quiet.plan}) at ` +
      `${settings.quietRate} req/s; B: ${report.tenants.noisy.name} (${report.tenants.noisy.plan}) ` +
      `flooding over ${settings.floodConnections} connections.`,
    `  A p50  quiet ${ms(quiet.latency.all.p50Ms).padStart(10)}   flood ` +
      `${ms(flood.latency.all.p50Ms).padStart(10)}   ×${verdict.p50Ratio.toFixed(2)}`,
    `  A p99  quiet ${ms(quiet.latency.all.p99Ms).padStart(10)}   flood ` +
      `${ms(flood.latency.all.p99Ms).padStart(10)}   ×${verdict.ratio.toFixed(2)}  (goal ≤ ` +
      `${settings.targetRatio}×)`,
    `  A req/s quiet ${quiet.requestsPerSecond.toFixed(1)}, flood ` +
      `${flood.requestsPerSecond.toFixed(1)}; A non-200 under the flood: ` +
      `${integer(verdict.quietFailuresUnderFlood)}`,
    `  B ${integer(b.requestsPerSecond)} req/s, ${percent(b.rateLimitedShare)} answered 429 (429 ` +
      `p50 ${ms(b.rateLimitedLatency.p50Ms)}, p99 ${ms(b.rateLimitedLatency.p99Ms)})`,
    `  Cores under the flood: Next ${cores(flood.cores.next)}, PostgreSQL ` +
      `${cores(flood.cores.postgres)}, A’s client ${cores(flood.cores.quietClient)}, B’s client ` +
      `${cores(flood.cores.floodClient)}, outside ${cores(flood.cores.other)}`,
    `  Checked ${integer(c.quiet.checked + c.noisy.checked)} answers: foreign ` +
      `${c.quiet.foreign + c.noisy.foreign}, wrong ${c.quiet.wrong + c.noisy.wrong}, A refused ` +
      `${c.quietRateLimited}`,
    `  Verdict: ${verdict.met ? 'met' : 'not met'}${verdict.disturbed ? ' (machine busy with other work during some windows)' : ''}`,
    '',
  ];
  return lines.join('\n');
}
