#!/usr/bin/env bash
# `npm run test:services`: the tests that need this machine's own services. They never run in the
# README's `npm test`, which needs nothing but Node and npm.
#  - The integration tier again, on the system PostgreSQL (15 on CI) as the bootstrap superuser:
#    a dedicated database and suffixed roles, dropped afterwards. The database tier's dedicated
#    databases (docs/tiers.md) go there too, and the isolation audit runs over every placement.
#  - The Redis store of the rate limiter (*.services.test.ts), against this machine's Redis.
set -euo pipefail
export BOOTSTRAP_DATABASE_URL="${SERVICES_BOOTSTRAP_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export BOOTSTRAP_DEDICATED_DATABASE_URL="${SERVICES_DEDICATED_DATABASE_URL:-$BOOTSTRAP_DATABASE_URL}"
echo "test:services: integration tests against ${BOOTSTRAP_DATABASE_URL%%@*}@… ($(node -e "
const pg=require('pg');const c=new pg.Client({connectionString:process.env.BOOTSTRAP_DATABASE_URL});
c.connect().then(()=>c.query('show server_version')).then(r=>{console.log('PostgreSQL '+r.rows[0].server_version);return c.end()}).catch(e=>{console.log('unreachable: '+e.message);process.exit(0)})"))"
npx vitest run
npm run audit:isolation
export REDIS_URL="${SERVICES_REDIS_URL:-redis://127.0.0.1:6379}"
echo "test:services: Redis tests against ${REDIS_URL}"
npx vitest run --config vitest.services.config.ts
