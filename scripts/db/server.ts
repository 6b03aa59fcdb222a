// Where tests and the e2e server get a PostgreSQL (the isolation kit's acquireServer); this module
// keeps the scripts' import path.
export { acquireServer, type AcquiredServer } from '@bulkhead/tenancy/server';
