import { parseArgs } from 'node:util';

import { MoveError } from '@bulkhead/tenancy/admin';

import { tierRefusal } from '../lib/billing';
import type { PlanName } from '../lib/billing/plans';
import { moveTenantOnline, parseDestination, recoverMove, ResidencyRefusal, type MoveContext } from '../lib/db/moves';
import { controlNames, openControlPlane, targetOf, usage, UsageError, withOps, type ControlPlane } from './db/control-plane';

// `npm run tenant:move -- <slug> --to shared|schema|database:<target> [--allow-cross-region]
//  [--grace <seconds>]` moves a tenant between tiers while it keeps working (docs/moves.md);
// `npm run tenant:move -- <slug> --recover` finishes or rolls back a move whose process died.
// Where: the same control plane as tenant:create (scripts/db/control-plane.ts).

function contextOf(control: ControlPlane): MoveContext {
  const names = controlNames(control);
  return {
    urls: { ops: control.ops, migration: control.migration },
    target: (name) => targetOf(name, control),
    controlDatabase: names.database,
    rolePrefix: names.rolePrefix,
    password: names.password || undefined,
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      'allow-cross-region': { type: 'boolean', default: false },
      grace: { type: 'string', default: '10' },
      recover: { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '2000' },
    },
  });
  const slug = positionals[0];
  if (!slug) usage('tenant:move needs the tenant’s slug: npm run tenant:move -- acme --to database:eu1');
  const grace = Number(values.grace);
  if (!Number.isFinite(grace) || grace < 0 || grace > 600) usage('--grace is seconds to wait before removing the old copy: 0 to 600.');
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) usage('--batch-size is rows per copy batch: 1 to 50000.');
  if (!values.recover && !values.to) usage('tenant:move needs --to shared|schema|database:<target> (or --recover).');
  let destination;
  if (values.to) {
    try {
      destination = parseDestination(values.to);
    } catch (error) {
      usage((error as Error).message);
    }
  }

  const control = await openControlPlane();
  try {
    const context = contextOf(control);
    if (values.recover) {
      const done = await recoverMove(context, slug);
      console.log(done ?? `No unfinished move of ${slug}.`);
      return;
    }
    if (destination?.tier === 'database') context.target(destination.target); // an unknown target is refused before anything starts
    // The plan decides the tier (docs/plans-and-limits.md), as for tenant:create and tenant:place.
    const plan = await withOps(control, async (db) => {
      const { rows } = await db.query<{ plan: PlanName }>('SELECT plan::text AS plan FROM tenants WHERE slug = $1', [slug]);
      if (!rows[0]) usage(`No tenant with the address "${slug}".`);
      return rows[0].plan;
    });
    if (tierRefusal(plan, destination!.tier))
      usage(`${slug} is on the ${plan} plan, which does not allow the ${destination!.tier} tier: change its plan first.`);
    const started = Date.now();
    const stamp = () => `[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s]`;
    const result = await moveTenantOnline(context, slug, destination!, {
      allowCrossRegion: values['allow-cross-region'],
      graceMs: grace * 1000,
      batchSize,
      actor: `operator (${process.env.USER ?? 'tenant:move'})`,
      progress: (step, message) => console.log(`${stamp()} ${step.padEnd(9)} ${message}`),
    });
    console.log(
      `${slug}: moved ${result.from} → ${result.to}. ${result.rows} rows verified (count and checksum per table); ` +
        `${result.changes} changed row(s) replayed in ${result.rounds} round(s); the whole copy checksummed in ${seconds(result.verifyMs)} before the freeze. ` +
        `Writes were refused for ${seconds(result.freezeMs)} (waiting ${seconds(result.freeze.waitMs)}, last changes ${seconds(result.freeze.drainMs)}, ` +
        `recheck ${seconds(result.freeze.recheckMs)}, switch ${seconds(result.freeze.switchMs)}). Total ${seconds(Date.now() - started)}.`,
    );
  } finally {
    await control.local?.cluster?.stop();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ResidencyRefusal) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(
    error instanceof MoveError ? error.message : `tenant:move failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
