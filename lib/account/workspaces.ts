import { createTenant } from '../tenancy/lookups';
import { refusing, slugTaken } from './service';

/** A signed-in, verified user opens another workspace and becomes its owner; its slug, for the redirect. */
export async function createWorkspace(user: { id: string }, input: { workspace: string; slug: string }): Promise<string> {
  await refusing(() => createTenant({ userId: user.id, tenantName: input.workspace, slug: input.slug }), { taken: slugTaken() });
  return input.slug;
}
