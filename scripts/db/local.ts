import path from 'node:path';

import { provisionDatabase, type DatabaseUrls } from '@bulkhead/tenancy/admin';
import { startEmbeddedCluster, type EmbeddedCluster } from '@bulkhead/tenancy/server';

import { DEV_DEDICATED_TARGET } from '../../lib/demo';
import { seedDemo } from '../../prisma/seed/demo';
import { databaseTargetsFrom, migrateEveryPlacement, summarizeMigration } from './placements';

// The development database: BOOTSTRAP_DATABASE_URL if given, otherwise the embedded PostgreSQL in
// .data/pg on BULKHEAD_PG_PORT (default 54329, away from a system PostgreSQL on 5432). Provisioned
// and migrated on every start — the control plane, then every tenant schema and tenant database, as
// `npm run db:migrate` does — which is a no-op when nothing changed.

export const DEV_DATABASE = 'bulkhead';
export const DEV_DATA_DIR = path.join(process.cwd(), '.data', 'pg');

export interface LocalDatabase {
  urls: DatabaseUrls;
  /** The embedded cluster we started, if any; stop it when done. */
  cluster?: EmbeddedCluster;
}

export async function openLocalDatabase(
  log: (line: string) => void = console.log,
  options: { migrate?: boolean } = {},
): Promise<LocalDatabase> {
  let bootstrapUrl = process.env.BOOTSTRAP_DATABASE_URL;
  let cluster: EmbeddedCluster | undefined;
  if (!bootstrapUrl) {
    const port = Number(process.env.BULKHEAD_PG_PORT ?? 54329);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`BULKHEAD_PG_PORT must be a port number, got "${process.env.BULKHEAD_PG_PORT}"`);
    cluster = await startEmbeddedCluster({ dataDir: DEV_DATA_DIR, port, persistent: true });
    log(
      cluster.owned
        ? `PostgreSQL 18 started on 127.0.0.1:${cluster.port} (data in .data/pg)`
        : `Using the PostgreSQL already running on 127.0.0.1:${cluster.port}`,
    );
    bootstrapUrl = cluster.url;
  }
  try {
    const db = await provisionDatabase({ bootstrapUrl, database: DEV_DATABASE });
    if (options.migrate !== false) {
      const started = performance.now();
      // The dev server answers to the demo's dedicated target too (scripts/dev.ts gives the app the same).
      const targets = databaseTargetsFrom(process.env, db.urls.migration);
      const server = new URL(bootstrapUrl);
      targets[DEV_DEDICATED_TARGET] ??= `postgres://${server.host}/`;
      const result = await migrateEveryPlacement(db.urls, { targets, log: (line) => log(`  ${line}`) });
      const summary = summarizeMigration(result, { ms: performance.now() - started });
      if (!result.ok) throw new Error(summary.join('\n'));
      for (const line of summary) log(line);
      // Initech in a schema of its own, Hooli in a database of its own on this same server under a
      // second target name, in Hooli's region (docs/tiers.md, docs/residency.md).
      await seedDemo(db.urls.ops, (line) => log(`  ${line}`), {
        migrationUrl: db.urls.migration,
        target: { name: DEV_DEDICATED_TARGET, bootstrapUrl },
        controlDatabase: DEV_DATABASE,
        rolePrefix: DEV_DATABASE,
      });
    }
    return { urls: db.urls, cluster: cluster?.owned ? cluster : undefined };
  } catch (error) {
    if (cluster?.owned) await cluster.stop();
    throw error;
  }
}
