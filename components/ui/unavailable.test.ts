import { StatementTimeoutError, TenantBusyError, TenantMovingError } from '@bulkhead/tenancy';
import { createElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';

import { adoptAsAppError, AppError, withUnavailableDigest } from '@/lib/errors';

import { orUnavailable, UnavailableNotice } from './unavailable';

// What a workspace page says in place of its data when the kit refuses it. The browser cases are
// e2e/leaks/busy.spec.ts (busy) and e2e/leaks/moving.spec.ts (moving); the API's answers are
// lib/api/unavailable.test.ts and lib/api/moving.test.ts.

vi.mock('next/navigation', () => ({ useRouter: () => ({ refresh: () => {} }) }));

const text = (node: ReactNode) =>
  renderToStaticMarkup(createElement('div', null, node))
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('orUnavailable', () => {
  it('says the workspace is busy, with its plan’s share', async () => {
    const page = await orUnavailable(Promise.reject(withUnavailableDigest(adoptAsAppError(new TenantBusyError(4, 5_000)))));
    expect(text(page)).toContain(
      'Your workspace is busy — it is already running 4 database operations at once, the most its plan allows. Try again in a few seconds.',
    );
  });

  it('says a query ran past the plan’s limit, with the limit, and to narrow the date range', async () => {
    const page = await orUnavailable(Promise.reject(adoptAsAppError(new StatementTimeoutError(15_000, 'pro', 'interactive'))), 'page');
    expect(text(page)).toMatch(/longer than the 15 s your plan allows .* Narrow the date range/);
    expect(renderToStaticMarkup(createElement('div', null, page))).toContain('<h1');
  });

  it('says the workspace is moving and will be back in a few seconds, as a note rather than a warning', async () => {
    const page = await orUnavailable(Promise.reject(withUnavailableDigest(adoptAsAppError(new TenantMovingError()))), 'page');
    expect(text(page)).toBe(
      'Moving your workspace — back in a few seconds Your workspace is moving to its new home, and saving is paused for a moment. Nothing was changed. Try again in a few seconds. Try again',
    );
    const html = renderToStaticMarkup(createElement('div', null, page));
    expect(html).toContain('data-code="tenant_moving"');
    expect(html).toContain('bg-info-muted');
  });

  it('renders the page when nothing refused it, and rethrows anything else', async () => {
    expect(text(await orUnavailable(Promise.resolve(createElement('p', null, 'the orders'))))).toBe('the orders');
    const notFound = new AppError('not_found', 'No such order.');
    await expect(orUnavailable(Promise.reject(notFound))).rejects.toBe(notFound);
  });
});

describe('UnavailableNotice from a digest (what app/t/[tenant]/error.tsx gets in a production build)', () => {
  it('reads the same as the server-rendered notice', () => {
    const html = renderToStaticMarkup(createElement(UnavailableNotice, { refusal: { code: 'tenant_busy', share: 1 }, level: 'page' }));
    expect(html).toContain('role="alert"');
    expect(html).toContain('already running 1 database operation at once');
    const moving = renderToStaticMarkup(createElement(UnavailableNotice, { refusal: { code: 'tenant_moving' }, level: 'page' }));
    expect(moving).toContain('<h1 class="text-base font-semibold">Moving your workspace — back in a few seconds</h1>');
  });
});
