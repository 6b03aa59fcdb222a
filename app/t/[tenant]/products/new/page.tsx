import type { Metadata } from 'next';

import { ProductForm } from '@/components/products/product-form';
import { Card, CardContent } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage } from '@/lib/auth/entry';
import { tenantSettings } from '@/lib/settings/service';

import { createProductAction } from '../actions';

export const metadata: Metadata = { title: 'New product' };

export default async function NewProductPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  return orUnavailable(
    tenantPage(slug, 'products.create', async () => {
      const { currency } = await tenantSettings();
      return (
        <div className="max-w-3xl">
          <PageHeader title="New product" />
          <Card className="mt-6">
            <CardContent>
              <ProductForm action={createProductAction.bind(null, slug)} submitLabel="Create product" currency={currency} />
            </CardContent>
          </Card>
        </div>
      );
    }),
    'page',
  );
}
