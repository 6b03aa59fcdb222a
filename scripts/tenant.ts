import { parseArgs } from 'node:util';

import { slugSchema } from '../lib/auth';
import { tierRefusal } from '../lib/billing';
import { databaseNameFor, placeInDatabase, placeInSchema, schemaNameFor } from '../lib/db/tiers';
import { LOCAL_TARGET } from '../lib/tenancy/placement';
import { controlNames, openControlPlane, targetOf, usage, UsageError, withOps, type ControlPlane } from './db/control-plane';

// The operator's tenant commands (docs/tiers.md):
//
//   npm run tenant:create -- --slug initrode --name "Initrode" [--owner ada@example.com] \
//       [--tier shared|schema|database] [--target local] [--database name] [--plan pro] [--region eu-west]
//   npm run tenant:place -- initrode --tier schema|database [--target eu1] [--database name]
//
// Where: the database of `npm run dev` (the embedded PostgreSQL, started if needed, or
// BOOTSTRAP_DATABASE_URL), or the control plane named by MIGRATION_DATABASE_URL (owner) and
// OPS_DATABASE_URL (BYPASSRLS) when both are set. A dedicated database is created on a target:
// `local` is the control plane's own server (its superuser: BOOTSTRAP_DATABASE_URL or the embedded
// cluster); any other target is a TENANT_DATABASE_TARGETS entry whose URL carries a superuser.
//
// tenant:place moves a shared tenant's rows into its new schema or database; nothing stops the
// tenant's writes meanwhile, so run it when the tenant is idle; `npm run tenant:move` moves a tenant
// in use, in any direction (docs/moves.md).

const PLANS = ['free', 'pro', 'enterprise'] as const;
const TIERS = ['shared', 'schema', 'database'] as const;

async function place(
  control: ControlPlane,
  tenant: { id: string; slug: string },
  tier: (typeof TIERS)[number],
  options: { target?: string; database?: string },
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
  const target = targetOf(options.target ?? LOCAL_TARGET, control);
  const database = options.database ?? databaseNameFor(names.database, tenant.slug);
  const took = await placeInDatabase(control, tenant.id, {
    target,
    database,
    rolePrefix: names.rolePrefix,
    password: names.password || undefined,
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
      region: { type: 'string', default: 'eu-west' },
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
  if (!/^[a-z0-9-]{1,40}$/.test(values.region!)) usage('--region is a short label: a-z, 0-9 and -.');
  if (!/^[A-Z]{3}$/.test(values.currency!)) usage('--currency is an ISO 4217 code, e.g. USD.');
  if ((values.target || values.database) && tier !== 'database') usage('--target and --database are for --tier database.');
  const refusal = tierRefusal(values.plan as (typeof PLANS)[number], tier);
  if (refusal)
    usage(`--plan ${values.plan} --tier ${tier}: ${refusal.replace(' Ask us to move it first.', '')} Choose a plan that allows the tier.`);

  const control = await openControlPlane();
  try {
    // Refused before anything is written: an unknown target, an owner role of another shape.
    if (tier === 'database') {
      targetOf(values.target ?? LOCAL_TARGET, control);
      controlNames(control);
    }
    const tenant = await withOps(control, async (db) => {
      await db.query('BEGIN');
      try {
        const taken = await db.query('SELECT 1 FROM tenants WHERE slug = $1', [slug.data]);
        if (taken.rowCount) usage(`A tenant with the address "${slug.data}" exists already.`);
        const zone = await db.query('SELECT 1 FROM pg_timezone_names WHERE name = $1', [values.timezone]);
        if (!zone.rowCount) usage(`--timezone "${values.timezone}" is not a time zone PostgreSQL knows (e.g. Europe/Berlin).`);
        const { rows } = await db.query<{ id: string }>(
          'INSERT INTO tenants (slug, name, plan, region, timezone, currency) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
          [slug.data, values.name, values.plan, values.region, values.timezone, values.currency],
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
    console.log(`${tenant.slug}: tenant ${tenant.id} created (${values.plan}, region ${values.region}).`);
    try {
      await place(control, tenant, tier, values);
    } catch (error) {
      // The tenant exists and is shared (the move changes nothing when it fails): say so.
      console.error(`${tenant.slug} was created on the shared tier, but placing it on the ${tier} tier failed; retry with tenant:place.`);
      throw error;
    }
  } finally {
    await control.local?.cluster?.stop();
  }
}

async function rePlace(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { tier: { type: 'string' }, target: { type: 'string' }, database: { type: 'string' } },
  });
  const slug = positionals[0];
  if (!slug || !values.tier) usage('tenant:place needs the tenant’s slug and --tier schema|database.');
  const tier = values.tier as (typeof TIERS)[number];
  if (tier !== 'schema' && tier !== 'database')
    usage('--tier must be schema or database; to move a tenant back to shared, use npm run tenant:move -- <slug> --to shared.');
  const control = await openControlPlane();
  try {
    const tenant = await withOps(control, async (db) => {
      const { rows } = await db.query<{ id: string; tier: string; plan: (typeof PLANS)[number] }>(
        'SELECT t.id, p.tier::text AS tier, t.plan::text AS plan FROM tenants t JOIN tenant_placements p ON p.tenant_id = t.id WHERE t.slug = $1',
        [slug],
      );
      if (!rows[0]) usage(`No tenant with the address "${slug}".`);
      if (rows[0].tier !== 'shared') usage(`${slug} is on the ${rows[0].tier} tier already; only a shared tenant can be placed here.`);
      if (tierRefusal(rows[0].plan, tier))
        usage(`${slug} is on the ${rows[0].plan} plan, which does not allow the ${tier} tier: change its plan first.`);
      return { id: rows[0].id, slug };
    });
    await place(control, tenant, tier, values);
  } finally {
    await control.local?.cluster?.stop();
  }
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'create') await create(rest);
  else if (command === 'place') await rePlace(rest);
  else usage('Use tenant:create or tenant:place (scripts/tenant.ts create|place …).');
} catch (error) {
  console.error(
    error instanceof UsageError
      ? error.message
      : `tenant ${command ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(error instanceof UsageError ? 2 : 1);
}
