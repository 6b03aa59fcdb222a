import { createTenant } from '../tenancy/definer-functions';
import { refusing, slugTaken } from './service';

/** The workspaces a user is a member of, with their role in each: the picker and the switcher. */
export { userTenants, type TenantChoice } from '../tenancy/definer-functions';

/** A signed-in, verified user opens another workspace and becomes its owner; its slug, for the redirect. */
export async function createWorkspace(user: { id: string }, input: { workspace: string; slug: string }): Promise<string> {
  await refusing(() => createTenant({ userId: user.id, tenantName: input.workspace, slug: input.slug }), { taken: slugTaken() });
  return input.slug;
}
