import Link from 'next/link';
import { ButtonLink } from '@/components/ui/button-link';
import { Logo } from '@/components/marketing/logo';

const layers = [
  {
    title: 'Session, then membership',
    body: 'The tenant comes from the signed-in user and a verified membership for the tenant named in the URL. Not a member, or no such tenant: the same 404.',
  },
  {
    title: 'Tenant context',
    body: 'Each page, server action and route handler opens one AsyncLocalStorage context. Domain code never takes a tenantId argument it could get wrong.',
  },
  {
    title: 'Prisma extension',
    body: 'The tenant client adds tenantId to every where and every data of tenant models, and refuses an explicit other tenant.',
  },
  {
    title: 'Transaction-local setting',
    body: "set_config('app.tenant_id', $1, true) travels with each query in one round trip: never a session SET that outlives the request on a pooled connection.",
  },
  {
    title: 'Forced row-level security',
    body: 'Every tenant table has RLS enabled and forced, USING and WITH CHECK, fail-closed. The app connects as a role that owns nothing and cannot bypass it.',
  },
];

const proofs = [
  {
    title: 'Cross-tenant leak suite',
    body: 'Playwright signs in as one tenant and attacks every page and endpoint with the other tenant’s ids, slugs and forged headers. A meta-test fails when a route has no case.',
  },
  {
    title: 'Isolation audit',
    body: 'A catalog check fails CI when a table lacks forced RLS, a policy can be widened, a key leaves out tenant_id, or the runtime role can escalate.',
  },
  {
    title: 'Each layer alone',
    body: 'Integration tests switch off one layer at a time and show the other still blocks the leak, against a real PostgreSQL, never a mock.',
  },
  {
    title: 'Measured cost',
    body: 'npm run bench compares the tenant client with unscoped Prisma and the usual transaction-per-query pattern, on a million orders.',
  },
];

const policySql = `ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON orders TO bulkhead_app
  USING      (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))
  WITH CHECK (tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid));`;

export default function LandingPage() {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="border-b border-slate-200">
        <nav className="mx-auto flex max-w-6xl items-center justify-between px-6 py-4" aria-label="Main">
          <a href="#top" className="flex items-center gap-2 font-semibold text-slate-900">
            <Logo className="size-7" />
            Bulkhead
          </a>
          <div className="flex items-center gap-6 text-sm text-slate-600">
            <a href="#how" className="hover:text-slate-900">How isolation works</a>
            <a href="#proof" className="hover:text-slate-900">Proof</a>
            <a href="/api/health" className="hover:text-slate-900">Status</a>
            <Link href="/sign-in" className="font-semibold text-brand-600 hover:text-brand-700">Sign in</Link>
          </div>
        </nav>
      </header>

      <main id="top" className="flex-1">
        <section className="relative overflow-hidden bg-gradient-to-b from-brand-50 to-white">
          <div className="mx-auto max-w-6xl px-6 pt-20 pb-16 sm:pt-28">
            <p className="text-sm font-semibold tracking-wide text-brand-600 uppercase">
              Reference SaaS · Next.js 16 · Prisma 7 · PostgreSQL row-level security
            </p>
            <h1 className="mt-4 max-w-3xl text-4xl font-bold tracking-tight text-slate-900 sm:text-6xl">
              Isolation is a property you prove, not a column you add.
            </h1>
            <p className="mt-6 max-w-2xl text-lg leading-8 text-slate-600">
              A revenue report filtered by date but not by tenant, and a customer saw $47,000 of someone
              else&apos;s transactions for three weeks. Bulkhead is the set of guardrails that makes that
              bug impossible — built into a working back office for orders, customers and billing, and
              shown working by tests that attack it.
            </p>
            <div className="mt-10 flex flex-wrap items-center gap-4">
              <ButtonLink href="/sign-in">Open the demo</ButtonLink>
              <ButtonLink href="#how" variant="secondary">
                See how a request stays in its tenant
              </ButtonLink>
              <ButtonLink href="/sign-up" variant="secondary">
                Create a workspace
              </ButtonLink>
            </div>
            <pre className="mt-12 inline-block rounded-xl bg-slate-900 px-5 py-4 font-mono text-sm text-slate-100 shadow-lg">
              <span className="text-slate-400">$</span> npm install &amp;&amp; npm run dev
            </pre>
            <p className="mt-3 text-sm text-slate-500">
              Nothing else to install: a real PostgreSQL starts from an npm package, with seeded tenants.
            </p>
          </div>
        </section>

        <section id="how" className="mx-auto max-w-6xl scroll-mt-8 px-6 py-20">
          <h2 className="text-3xl font-bold tracking-tight text-slate-900">How a request stays in its tenant</h2>
          <p className="mt-4 max-w-2xl text-slate-600">
            Two independent layers, so that a bug in one is never the only thing between a customer and
            someone else&apos;s data.
          </p>
          <ol className="mt-10 grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
            {layers.map((layer, index) => (
              <li key={layer.title} className="rounded-xl border border-slate-200 p-5 shadow-sm">
                <span className="flex size-8 items-center justify-center rounded-full bg-brand-100 text-sm font-semibold text-brand-700">
                  {index + 1}
                </span>
                <h3 className="mt-4 font-semibold text-slate-900">{layer.title}</h3>
                <p className="mt-2 text-sm leading-6 text-slate-600">{layer.body}</p>
              </li>
            ))}
          </ol>
          <figure className="mt-12">
            <figcaption className="text-sm font-medium text-slate-700">
              The policy every tenant table gets — fail-closed: no tenant in the transaction, no rows.
            </figcaption>
            <pre tabIndex={0} className="mt-3 overflow-x-auto rounded-xl bg-slate-900 p-5 font-mono text-sm leading-6 text-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
              {policySql}
            </pre>
          </figure>
        </section>

        <section id="proof" className="scroll-mt-8 border-t border-slate-200 bg-slate-50">
          <div className="mx-auto max-w-6xl px-6 py-20">
            <h2 className="text-3xl font-bold tracking-tight text-slate-900">Proven, not promised</h2>
            <div className="mt-10 grid gap-6 sm:grid-cols-2">
              {proofs.map((proof) => (
                <div key={proof.title} className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
                  <h3 className="font-semibold text-slate-900">{proof.title}</h3>
                  <p className="mt-2 text-sm leading-6 text-slate-600">{proof.body}</p>
                </div>
              ))}
            </div>
          </div>
        </section>
      </main>

      <footer className="border-t border-slate-200">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-6 py-8 text-sm text-slate-500">
          <span className="flex items-center gap-2">
            <Logo className="size-5" /> Bulkhead — an open-source reference for multi-tenant SaaS.
          </span>
          <span>Next.js · Prisma · PostgreSQL · Auth.js · Playwright</span>
        </div>
      </footer>
    </div>
  );
}
