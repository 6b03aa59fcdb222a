import { forbidden } from 'next/navigation';

import { tenantAccess } from '@/lib/auth/entry';
import { can, type Permission } from '@/lib/auth/permissions';
import { parsePageQuery, type QueryField, type SearchParams } from '@/lib/page-query';

/** What Next.js gives a list page of a workspace. */
export interface ListPageProps {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}

/**
 * The start of a workspace's list page (customers, products, orders). The query is read through
 * parsePageQuery: a malformed value is ignored (and said so), never passed on. Access is decided
 * before anything streams: another tenant's slug must be a real 404, a missing permission a real
 * 403. The list itself opens its own tenant context when it streams in.
 */
export async function openListPage<Query extends Record<string, QueryField<unknown>>>(
  { params, searchParams }: ListPageProps,
  query: Query,
  permission: Permission,
) {
  const { tenant: slug } = await params;
  const { values, problems } = parsePageQuery(await searchParams, query);
  const access = await tenantAccess(slug);
  if (!can(access.role, permission)) forbidden();
  return { slug, access, search: values, problems };
}
