import type { Metadata } from 'next';

import { CustomerForm } from '@/components/customers/customer-form';
import { Card, CardContent } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage } from '@/lib/auth/entry';

import { createCustomerAction } from '../actions';

export const metadata: Metadata = { title: 'New customer' };

export default async function NewCustomerPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  return orUnavailable(
    tenantPage(slug, 'customers.create', async () => (
      <div className="max-w-3xl">
        <PageHeader title="New customer" />
        <Card className="mt-6">
          <CardContent>
            <CustomerForm action={createCustomerAction.bind(null, slug)} submitLabel="Create customer" />
          </CardContent>
        </Card>
      </div>
    )),
    'page',
  );
}
