import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from './generated/client';

// A client for the ops role (BYPASSRLS): maintenance, verification and tests that must see every
// tenant. It is never built from the running app's environment — it takes its URL as an argument,
// and lint forbids importing this file outside lib/db, scripts/ and tests.

export type OpsClient = PrismaClient;

export function createOpsClient(opsUrl: string): OpsClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: opsUrl, max: 4 }) });
}
