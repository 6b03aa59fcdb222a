import { UsageError } from './control-plane';
import { openLocalDatabase } from './local';
import { databaseTargetsFrom, type ControlPlaneUrls, type DatabaseTargets } from './placements';

// The control plane the migration commands work on: MIGRATION_DATABASE_URL (the owner: runs the
// migrations) with OPS_DATABASE_URL (BYPASSRLS: lists the placements, which the owner may not read),
// or, with neither set, the database of `npm run dev` (started if needed, not migrated here).

export interface OpenControlPlane {
  urls: ControlPlaneUrls;
  targets: DatabaseTargets;
  close(): Promise<void>;
}

export async function openMigrationPlane(command: string): Promise<OpenControlPlane> {
  const { MIGRATION_DATABASE_URL: migration, OPS_DATABASE_URL: ops } = process.env;
  if (migration && ops) return { urls: { migration, ops }, targets: databaseTargetsFrom(process.env, migration), close: async () => {} };
  if (migration || ops)
    throw new UsageError(
      `${command} needs both MIGRATION_DATABASE_URL (the owner, which migrates) and OPS_DATABASE_URL (which lists the tenant placements), ` +
        'or neither for the local development database.',
    );
  const local = await openLocalDatabase(() => {}, { migrate: false });
  return {
    urls: { migration: local.urls.migration, ops: local.urls.ops },
    targets: databaseTargetsFrom(process.env, local.urls.migration),
    close: async () => local.cluster?.stop(),
  };
}
