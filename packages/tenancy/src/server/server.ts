import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { freePort, removeDir, startEmbeddedCluster } from './embedded';

// Where tests and the e2e server get a PostgreSQL they may create databases and roles on:
// BOOTSTRAP_DATABASE_URL when it is set (CI's PostgreSQL 15), otherwise a throw-away embedded
// PostgreSQL 18 on a free port, so `npm test` runs beside a running `npm run dev`.

export interface AcquiredServer {
  bootstrapUrl: string;
  /** True when the server is someone else's: clean up only what we created on it. */
  shared: boolean;
  release(): Promise<void>;
}

/**
 * `variable` names the environment variable of a server given from outside: the tiered tests ask
 * for a second server (BOOTSTRAP_DEDICATED_DATABASE_URL) for the dedicated databases.
 */
export async function acquireServer(variable = 'BOOTSTRAP_DATABASE_URL'): Promise<AcquiredServer> {
  const bootstrapUrl = process.env[variable];
  if (bootstrapUrl) return { bootstrapUrl, shared: true, release: async () => {} };

  const root = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-pg-'));
  const cluster = await startEmbeddedCluster({
    dataDir: path.join(root, 'data'),
    port: await freePort(),
    persistent: false,
    fast: true,
    throwAwayDir: root,
  });
  return {
    bootstrapUrl: cluster.url,
    shared: false,
    release: async () => {
      await cluster.stop();
      await removeDir(root);
    },
  };
}
