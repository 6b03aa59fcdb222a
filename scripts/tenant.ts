import { parseArgs } from 'node:util';

import { slugSchema } from '../lib/auth';
import { tierRefusal } from '../lib/billing';
import {
  auditCrossRegion,
  listTargets,
  placementFor,
  REGION_FORMAT,
  registerTarget,
  residencyRefusal,
  TARGET_NAME_FORMAT,
  type RegionalPlacement,
} from '../lib/db/residency';
import { databaseNameFor, placeInDatabase, placeInSchema, schemaNameFor } from '../lib/db/tiers';
import { LOCAL_TARGET } from '../lib/tenancy/placement';
import { controlNames, openControlPlane, reachable, targetOf, usage, UsageError, withOps, type ControlPlane } from './db/control-plane';

// The operator's tenant commands (docs/tiers.md, docs/residency.md):
//
//   npm run tenant:create -- --slug initrode --name "Initrode" [--owner ada@example.com] \
//       [--tier shared|schema|database] [--target local] [--database name] [--plan pro] \
//       [--region eu-west] [--allow-cross-region]
//   npm run tenant:place -- initrode --tier schema|database [--target eu1] [--database name] [--allow-cross-region]
//   npm run tenant:targets [-- set fra1 --region eu-central]
//
// A tenant's region is a rule: its data goes to a target in that region — `local` (the control
// plane's own server) for the shared and schema tiers, a registered target for the database tier,
// chosen in the region when --target is left out. A target in another region takes
// --allow-cross-region: the tenant's region becomes the target's, and its audit log records who
// approved it. The database enforces the same rule whoever writes (RS001/RS002 refusals).
//
// Where: the database of `npm run dev` (the embedded PostgreSQL, started if needed, or
// BOOTSTRAP_DATABASE_URL), or the control plane named by MIGRATION_DATABASE_URL (owner) and
// OPS_DATABASE_URL (BYPASSRLS) when both are set. A dedicated database is created on a target:
// `local` is the control plane's own server (its superuser: BOOTSTRAP_DATABASE_URL or the embedded
// cluster); any other target is a TENANT_DATABASE_TARGETS entry whose URL carries a superuser.
//
// tenant:place moves a shared tenant's rows into its new schema or database; nothing stops the
// tenant's writes meanwhile, so run it when the tenant is idle (online moves are the next issue's).

const PLANS = ['free', 'pro', 'enterprise'] as const;
const TIERS = ['shared', 'schema', 'database'] as const;

async function place(
  control: ControlPlane,
  tenant: { id: string; slug: string },
  tier: (typeof TIERS)[number],
  options: { target: string; database?: string; region?: string },
) {
  if (tier === 'shared') return;
  if (tier === 'schema') {
    const schema = schemaNameFor(tenant.slug);
    const took = await placeInSchema(control, tenant.id, schema);
    console.log(
      `${tenant.slug}: schema ${schema} created in ${Math.round(took.provisionMs)} ms; ${took.rows} rows moved in ${Math.round(took.moveMs)} ms.`,
    );
    return;
  }
  const names = controlNames(control);
  const target = targetOf(options.target, control);
  const database = options.database ?? databaseNameFor(names.database, tenant.slug);
  const took = await placeInDatabase(control, tenant.id, {
    target,
    database,
    rolePrefix: names.rolePrefix,
    password: names.password || undefined,
    region: options.region,
  });
  console.log(
    `${tenant.slug}: database ${database} on ${target.name} created and migrated in ${Math.round(took.provisionMs)} ms; ${took.rows} rows moved in ${Math.round(took.moveMs)} ms.`,
  );
  if (target.name !== LOCAL_TARGET)
    console.log(`The app reaches it through TENANT_DATABASE_TARGETS's "${target.name}" entry: make sure the running app has it.`);
}

async function create(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      slug: { type: 'string' },
      name: { type: 'string' },
      owner: { type: 'string' },
      tier: { type: 'string', default: 'shared' },
      target: { type: 'string' },
      database: { type: 'string' },
      plan: { type: 'string', default: 'free' },
      region: { type: 'string' },
      'allow-cross-region': { type: 'boolean', default: false },
      timezone: { type: 'string', default: 'UTC' },
      currency: { type: 'string', default: 'USD' },
    },
  });
  if (!values.slug || !values.name) usage('tenant:create needs --slug and --name.');
  const slug = slugSchema.safeParse(values.slug);
  if (!slug.success) usage(`--slug "${values.slug}": ${slug.error.issues[0]?.message ?? 'not a valid address'}`);
  const tier = values.tier as (typeof TIERS)[number];
  if (!TIERS.includes(tier)) usage(`--tier must be one of ${TIERS.join(', ')}.`);
  if (!PLANS.includes(values.plan as (typeof PLANS)[number])) usage(`--plan must be one of ${PLANS.join(', ')}.`);
  if (values.region !== undefined && !REGION_FORMAT.test(values.region))
    usage('--region is a short label: a-z first, then a-z, 0-9 and - (e.g. eu-west).');
  if (!/^[A-Z]{3}$/.test(values.currency!)) usage('--currency is an ISO 4217 code, e.g. USD.');
  if ((values.target || values.database) && tier !== 'database') usage('--target and --database are for --tier database.');
  const refusal = tierRefusal(values.plan as (typeof PLANS)[number], tier);
  if (refusal)
    usage(`--plan ${values.plan} --tier ${tier}: ${refusal.replace(' Ask us to move it first.', '')} Choose a plan that allows the tier.`);

  const control = await openControlPlane();
  try {
    // Refused before anything is written: a placement outside the region, an unknown target, an
    // owner role of another shape.
    const targets = await withOps(control, listTargets);
    const home = targets.find((t) => t.name === LOCAL_TARGET)!.region;
    const placement = placementFor(
      targets,
      { tier, region: values.region, target: values.target, allowCrossRegion: values['allow-cross-region'] },
      (name) => reachable(name, control),
    );
    if ('refused' in placement) usage(placement.refused);
    if (tier === 'database') {
      targetOf(placement.target, control);
      controlNames(control);
    }
    // The tenant starts in the shared tables, in local's region (the column's default); a database
    // elsewhere takes it to its region in the same transaction as the placement.
    const tenant = await withOps(control, async (db) => {
      await db.query('BEGIN');
      try {
        const taken = await db.query('SELECT 1 FROM tenants WHERE slug = $1', [slug.data]);
        if (taken.rowCount) usage(`A tenant with the address "${slug.data}" exists already.`);
        const zone = await db.query('SELECT 1 FROM pg_timezone_names WHERE name = $1', [values.timezone]);
        if (!zone.rowCount) usage(`--timezone "${values.timezone}" is not a time zone PostgreSQL knows (e.g. Europe/Berlin).`);
        const { rows } = await db.query<{ id: string }>(
          'INSERT INTO tenants (slug, name, plan, timezone, currency) VALUES ($1, $2, $3, $4, $5) RETURNING id',
          [slug.data, values.name, values.plan, values.timezone, values.currency],
        );
        const id = rows[0]!.id;
        if (values.owner) {
          const owner = await db.query<{ id: string }>('SELECT id FROM users WHERE email = lower($1)', [values.owner]);
          if (!owner.rows[0]) usage(`No user with the email ${values.owner}: they sign up first, or leave --owner out and invite them.`);
          await db.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')`, [id, owner.rows[0].id]);
        }
        await db.query('COMMIT');
        return { id, slug: slug.data };
      } catch (error) {
        await db.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
    console.log(`${tenant.slug}: tenant ${tenant.id} created (${values.plan}, region ${placement.region}).`);
    try {
      await place(control, tenant, tier, {
        target: placement.target,
        database: values.database,
        region: placement.region === home ? undefined : placement.region,
      });
    } catch (error) {
      // The tenant exists and is shared (the move changes nothing when it fails): say so, and how to finish.
      const retry = `npm run tenant:place -- ${tenant.slug} --tier ${tier}${tier === 'database' ? ` --target ${placement.target}` : ''}`;
      console.error(
        `${tenant.slug} was created on the shared tier, in ${home}, but placing it on the ${tier} tier failed; retry with ${retry}${placement.region === home ? '' : ' --allow-cross-region'}.`,
      );
      throw error;
    }
    if (placement.crossRegion) await recordCrossRegion(control, tenant.id, 'tenant:create', values.region!, placement, tier);
  } finally {
    await control.local?.cluster?.stop();
  }
}

async function rePlace(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      tier: { type: 'string' },
      target: { type: 'string' },
      database: { type: 'string' },
      'allow-cross-region': { type: 'boolean', default: false },
    },
  });
  const slug = positionals[0];
  if (!slug || !values.tier) usage('tenant:place needs the tenant’s slug and --tier schema|database.');
  const tier = values.tier as (typeof TIERS)[number];
  if (tier !== 'schema' && tier !== 'database')
    usage('--tier must be schema or database (moving back to shared is an online move, the next issue).');
  if (values.database && tier !== 'database') usage('--target and --database are for --tier database.');
  if (values.target && tier !== 'database') usage('--target and --database are for --tier database.');
  const control = await openControlPlane();
  try {
    const { tenant, targets } = await withOps(control, async (db) => {
      const { rows } = await db.query<{ id: string; tier: string; plan: (typeof PLANS)[number]; region: string }>(
        `SELECT t.id, p.tier::text AS tier, t.plan::text AS plan, t.region
           FROM tenants t JOIN tenant_placements p ON p.tenant_id = t.id WHERE t.slug = $1`,
        [slug],
      );
      if (!rows[0]) usage(`No tenant with the address "${slug}".`);
      if (rows[0].tier !== 'shared') usage(`${slug} is on the ${rows[0].tier} tier already; only a shared tenant can be placed here.`);
      if (tierRefusal(rows[0].plan, tier))
        usage(`${slug} is on the ${rows[0].plan} plan, which does not allow the ${tier} tier: change its plan first.`);
      return { tenant: { id: rows[0].id, slug, region: rows[0].region }, targets: await listTargets(db) };
    });
    // A schema is on `local`, where a shared tenant is already: only a database elsewhere can change
    // the tenant's region, in the switch's own transaction.
    const home = targets.find((t) => t.name === LOCAL_TARGET)!.region;
    if (tier === 'schema' && tenant.region !== home)
      usage(
        `${slug} is pinned to ${tenant.region}; a schema lives on target "local", in ${home}. Place it with --tier database on a target in ${tenant.region}.`,
      );
    const placement = placementFor(
      targets,
      { tier, region: tenant.region, target: values.target, allowCrossRegion: values['allow-cross-region'] },
      (name) => reachable(name, control),
    );
    if ('refused' in placement) usage(placement.refused);
    await place(control, tenant, tier, {
      target: placement.target,
      database: values.database,
      region: placement.crossRegion ? placement.region : undefined,
    });
    if (placement.crossRegion) await recordCrossRegion(control, tenant.id, 'tenant:place', tenant.region, placement, tier);
  } finally {
    await control.local?.cluster?.stop();
  }
}

/** The audit event of an approved placement outside the region asked for, and a line saying so. */
async function recordCrossRegion(
  control: ControlPlane,
  tenantId: string,
  command: string,
  requested: string,
  placement: RegionalPlacement,
  tier: string,
) {
  await withOps(control, (db) =>
    auditCrossRegion(db, { tenantId, command, requested, region: placement.region, target: placement.target, tier }),
  );
  console.log(`Placed in ${placement.region}, outside ${requested}, as --allow-cross-region asked: recorded in the tenant's audit log.`);
}

async function targetsCommand(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { region: { type: 'string' } } });
  const [verb, name, ...extra] = positionals;
  if (verb !== undefined && verb !== 'set') usage('Use tenant:targets to list, or tenant:targets -- set <name> --region <region>.');
  if (verb === undefined && (values.region || name))
    usage('tenant:targets lists; to register a target: tenant:targets -- set <name> --region <region>.');
  if (verb === 'set') {
    if (!name || !values.region || extra.length > 0)
      usage('tenant:targets -- set needs a target name and --region, e.g. set fra1 --region eu-central.');
    if (!TARGET_NAME_FORMAT.test(name))
      usage(`"${name}" is not a target name: a-z first, then a-z, 0-9, _ and - (as in TENANT_DATABASE_TARGETS).`);
    if (!REGION_FORMAT.test(values.region)) usage('--region is a short label: a-z first, then a-z, 0-9 and - (e.g. eu-west).');
  }
  const control = await openControlPlane();
  try {
    if (verb === 'set') {
      const result = await withOps(control, (db) => registerTarget(db, name!, values.region!));
      console.log(
        result.change === 'registered'
          ? `${name}: registered in ${values.region}.`
          : result.change === 'moved'
            ? `${name}: region ${result.from} → ${values.region}.`
            : `${name}: in ${values.region} already.`,
      );
      if (!reachable(name!, control))
        console.log(`TENANT_DATABASE_TARGETS has no "${name}" entry here: placing a tenant there needs one (with a superuser URL).`);
      return;
    }
    const targets = await withOps(control, listTargets);
    const rows = targets.map((t) => [
      t.name,
      t.region,
      reachable(t.name, control) ? 'yes' : 'no',
      String(t.tenants),
      t.outside.length ? t.outside.join(', ') : '-',
    ]);
    const table = [['target', 'region', 'configured', 'tenants', 'outside their region'], ...rows];
    const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
    for (const row of table)
      console.log(
        row
          .map((cell, column) => cell.padEnd(widths[column]!))
          .join('  ')
          .trimEnd(),
      );
  } finally {
    await control.local?.cluster?.stop();
  }
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'create') await create(rest);
  else if (command === 'place') await rePlace(rest);
  else if (command === 'targets') await targetsCommand(rest);
  else usage('Use tenant:create, tenant:place or tenant:targets (scripts/tenant.ts create|place|targets …).');
} catch (error) {
  // The database's residency rule refuses like a usage error: nothing was changed, and the message says why.
  const refused = error instanceof UsageError ? error.message : residencyRefusal(error);
  console.error(refused ?? `tenant ${command ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(refused ? 2 : 1);
}
