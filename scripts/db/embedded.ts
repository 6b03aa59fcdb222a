// The embedded PostgreSQL now lives in the isolation kit; this module keeps the scripts' import path.
export { EMBEDDED_MAJOR, freePort, removeDir, startEmbeddedCluster, SUPERUSER, SUPERUSER_PASSWORD } from '@bulkhead/tenancy/server';
export type { EmbeddedCluster, EmbeddedOptions } from '@bulkhead/tenancy/server';
