import { expect, type APIRequestContext } from '@playwright/test';

import type { ApiRecords, ApiRouteCase } from '../registry';
import type { KeyClient } from './fixtures';
import { findCanaries } from './tenants';

// One API_ROUTES case (e2e/leaks/registry.ts) sent by an attacker's key: its positive control with
// the attacker's own records, then the attack with the victim's, and the victim's record read with
// the victim's own key before and after (e2e/leaks/api.spec.ts, e2e/leaks/tiers.spec.ts).

/** What the victim's own key reads of the record a case aims at. */
function victimView(c: ApiRouteCase, r: ApiRecords): string {
  if (c.route.startsWith('/api/v1/customers')) return `/api/v1/customers/${r.customerId}`;
  if (c.route.startsWith('/api/v1/products')) return `/api/v1/products/${r.productId}`;
  return `/api/v1/orders/${r.paidOrderId}`;
}

async function send(api: APIRequestContext, c: ApiRouteCase, r: ApiRecords, side: 'own' | 'foreign') {
  const body = c.body?.(r, side);
  const response = await api.fetch(c.path(r), { method: c.method, ...(body === undefined ? {} : { data: body }) });
  return { status: response.status(), text: await response.text(), type: response.headers()['content-type'] ?? '' };
}

/** Case `c` from `attackerKey` against `victimKey`'s tenant: its own data, nothing of the victim's, the victim's record unchanged. */
export async function expectApiCaseHolds(c: ApiRouteCase, attackerKey: KeyClient, victimKey: KeyClient) {
  const [attacker, victim] = [attackerKey.tenant, victimKey.tenant];
  const [api, victimApi] = [attackerKey.api, victimKey.api];
  const [own, foreign] = [await attackerKey.records(), await victimKey.records()];

  const control = await send(api, c, own, 'own');
  expect(control.status, `positive control with ${attacker.slug}'s own records: ${control.text.slice(0, 300)}`).toBe(c.own);
  if (c.showsCanary) expect(findCanaries(control.text, attacker)).not.toEqual([]);
  expect(findCanaries(control.text, victim)).toEqual([]);

  const before = await (await victimApi.get(victimView(c, foreign))).text();
  const attack = await send(api, c, foreign, 'foreign');
  expect(attack.status, `with ${victim.slug}'s records: ${attack.text.slice(0, 300)}`).toBe(c.foreign);
  expect(findCanaries(attack.text, victim)).toEqual([]);
  if (attack.status >= 400) expect(attack.type).toContain('application/problem+json');
  if (c.foreignField) expect(Object.keys((JSON.parse(attack.text) as { errors?: object }).errors ?? {})).toContain(c.foreignField);
  if (c.method === 'GET' && c.foreign === 200 && c.path(foreign).includes(foreign.customerId)) {
    expect((JSON.parse(attack.text) as { data: unknown[] }).data).toEqual([]);
  }
  expect(await (await victimApi.get(victimView(c, foreign))).text(), `${victim.slug}'s record after the attack`).toBe(before);
}
