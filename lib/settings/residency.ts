import { cache } from 'react';

import { controlPlaneDb, currentTenant, type TenantContext } from '../tenancy';

// Where the workspace's data is, as its members and its exports read it (docs/residency.md). The
// region of the placement — the server its rows are on — not a label: the database function reads
// the placement's target, and the runtime role holds no privilege on the targets themselves.

export interface DataResidency {
  /** The region of the server the workspace's data is on. */
  region: string;
  /**
   * The region the workspace is pinned to. The residency rule keeps it equal to `region` for every
   * change; they differ only for a placement made before the rule, until an operator moves it.
   */
  pinnedTo: string;
}

/** Whether the data is where the workspace is pinned, so the rule holds it there. */
export const isPinnedHere = (residency: DataResidency) => residency.region === residency.pinnedTo;

// One read per tenant context in a render, like the settings themselves (lib/settings/service.ts).
const residencyIn = cache(async (_context: TenantContext): Promise<DataResidency> => {
  const [row] = await controlPlaneDb().$queryRaw<{ region: string | null; tenant_region: string }[]>`
    SELECT region, tenant_region FROM bulkhead.data_region()`;
  if (!row) throw new Error('bulkhead.data_region() found no tenant in context.');
  // A placement's target is always registered (the rule refuses any other); were it not, say so
  // rather than guess a region.
  return { region: row.region ?? 'unknown', pinnedTo: row.tenant_region };
});

/** Where the data of the workspace in context is, and the region it is pinned to. */
export function dataResidency(): Promise<DataResidency> {
  return residencyIn(currentTenant());
}
