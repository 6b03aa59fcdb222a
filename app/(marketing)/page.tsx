import Link from 'next/link';

import { Logo } from '@/components/marketing/logo';
import { Card } from '@/components/ui/card';
import { LinkButton } from '@/components/ui/link-button';

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
      <header className="border-b border-border">
        <nav className="mx-auto flex max-w-6xl items-center justify-between px-6 py-4" aria-label="Main">
          <a href="#top" className="flex items-center gap-2 font-semibold text-foreground">
            <Logo className="size-7" />
            Bulkhead
          </a>
          <div className="flex items-center gap-6 text-sm text-muted-foreground">
            <a href="#how" className="hover:text-foreground">
              How isolation works
            </a>
            <a href="#proof" className="hover:text-foreground">
              Proof
            </a>
            <a href="/api/health" className="hover:text-foreground">
              Status
            </a>
            <Link href="/sign-in" className="font-semibold text-primary hover:underline">
              Sign in
            </Link>
          </div>
        </nav>
      </header>

      <main id="top" className="flex-1">
        <section className="relative overflow-hidden bg-gradient-to-b from-primary/10 to-background">
          <div className="mx-auto max-w-6xl px-6 pt-20 pb-16 sm:pt-28">
            <p className="text-sm font-semibold tracking-wide text-primary uppercase">
              Reference SaaS · Next.js 16 · Prisma 7 · PostgreSQL row-level security
            </p>
            <h1 className="mt-4 max-w-3xl text-4xl font-bold tracking-tight text-foreground sm:text-6xl">
              Isolation is a property you prove, not a column you add.
            </h1>
            <p className="mt-6 max-w-2xl text-lg leading-8 text-muted-foreground">
              A revenue report filtered by date but not by tenant, and a customer saw $47,000 of someone else&apos;s transactions for three
              weeks. Bulkhead is the set of guardrails that makes that bug impossible — built into a working back office for orders,
              customers and billing, and shown working by tests that attack it.
            </p>
            <div className="mt-10 flex flex-wrap items-center gap-4">
              <LinkButton href="/sign-in" size="lg">
                Open the demo
              </LinkButton>
              <LinkButton href="#how" size="lg" variant="outline">
                See how a request stays in its tenant
              </LinkButton>
              <LinkButton href="/sign-up" size="lg" variant="outline">
                Create a workspace
              </LinkButton>
            </div>
            <pre className="mt-12 inline-block rounded-xl bg-code px-5 py-4 font-mono text-sm text-code-foreground shadow-lg">
              <span className="text-code-muted-foreground">$</span> npm install &amp;&amp; npm run dev
            </pre>
            <p className="mt-3 text-sm text-muted-foreground">
              Nothing else to install: a real PostgreSQL starts from an npm package, with seeded tenants.
            </p>
          </div>
        </section>

        <section id="how" className="mx-auto max-w-6xl scroll-mt-8 px-6 py-20">
          <h2 className="text-3xl font-bold tracking-tight text-foreground">How a request stays in its tenant</h2>
          <p className="mt-4 max-w-2xl text-muted-foreground">
            Two independent layers, so that a bug in one is never the only thing between a customer and someone else&apos;s data.
          </p>
          <ol className="mt-10 grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
            {layers.map((layer, index) => (
              <Card as="li" key={layer.title} className="block p-5">
                <span className="flex size-8 items-center justify-center rounded-full bg-primary/10 text-sm font-semibold text-primary">
                  {index + 1}
                </span>
                <h3 className="mt-4 font-semibold text-foreground">{layer.title}</h3>
                <p className="mt-2 text-sm leading-6 text-muted-foreground">{layer.body}</p>
              </Card>
            ))}
          </ol>
          <figure className="mt-12">
            <figcaption className="text-sm font-medium text-foreground">
              The policy every tenant table gets — fail-closed: no tenant in the transaction, no rows.
            </figcaption>
            <pre
              tabIndex={0}
              className="mt-3 overflow-x-auto rounded-xl bg-code p-5 font-mono text-sm leading-6 text-code-foreground focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
            >
              {policySql}
            </pre>
          </figure>
        </section>

        <section id="proof" className="scroll-mt-8 border-t border-border bg-muted">
          <div className="mx-auto max-w-6xl px-6 py-20">
            <h2 className="text-3xl font-bold tracking-tight text-foreground">Proven, not promised</h2>
            <div className="mt-10 grid gap-6 sm:grid-cols-2">
              {proofs.map((proof) => (
                <Card key={proof.title} className="block p-6">
                  <h3 className="font-semibold text-foreground">{proof.title}</h3>
                  <p className="mt-2 text-sm leading-6 text-muted-foreground">{proof.body}</p>
                </Card>
              ))}
            </div>
          </div>
        </section>
      </main>

      <footer className="border-t border-border">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-6 py-8 text-sm text-muted-foreground">
          <span className="flex items-center gap-2">
            <Logo className="size-5" /> Bulkhead — an open-source reference for multi-tenant SaaS.
          </span>
          <span>Next.js · Prisma · PostgreSQL · Auth.js · Playwright</span>
        </div>
      </footer>
    </div>
  );
}
