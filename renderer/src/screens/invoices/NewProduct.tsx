// A line that matches no product may become one, only when the person says so: its description
// as the name, a code, a category and the price it sells at; what the invoice bills becomes its
// cost where the invoice is in the company's currency. Made with the catalog's own operation,
// then chosen for the line.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { useT } from '../../i18n';
import { typedMoneyIn } from '../purchasing/shared';

export interface Made {
  variantId: string;
  sku: string;
  name: string;
}

export function NewProduct(props: {
  description: string;
  /** The line's unit price as typed, and the currency it is in. */
  unitPrice: string;
  currency: string;
  company: string;
  onMade: (made: Made) => void;
}) {
  const t = useT('invoices');
  const client = useClient();
  const making = useAction();
  const [name, setName] = useState(props.description.trim().slice(0, 120));
  const [sku, setSku] = useState('');
  const [category, setCategory] = useState(t('newProduct.defaultCategory'));
  const [price, setPrice] = useState('');
  const cost =
    props.currency === props.company ? typedMoneyIn(props.unitPrice, props.company) : Number.NaN;

  const make = async () => {
    const made = await making.run(() =>
      client.call('catalog.createProduct', {
        name,
        category,
        variants: [
          {
            sku,
            attributes: {},
            price: typedMoneyIn(price, props.company),
            cost: Number.isFinite(cost) ? cost : 0,
          },
        ],
      }),
    );
    const variantId = made?.variantIds[0];
    if (variantId) props.onMade({ variantId, sku, name });
  };

  return (
    // Not a form of its own: the dialog sits inside the review's form, and forms do not nest.
    // Enter in a box makes the product, and goes no further (it would post the invoice).
    <div
      className="invoice-new-product"
      role="group"
      aria-labelledby="new-product-title"
      onKeyDown={(e) => {
        if (e.key !== 'Enter' || !(e.target instanceof HTMLInputElement)) return;
        e.preventDefault();
        e.stopPropagation();
        void make();
      }}
    >
      <h3 id="new-product-title">{t('newProduct.title')}</h3>
      <p className="muted">{t('newProduct.intro')}</p>
      <div className="form-grid">
        <TextField
          label={t('newProduct.name')}
          name="name"
          error={making.error}
          value={name}
          onChange={setName}
        />
        <TextField
          label={t('newProduct.sku')}
          name="variants.0.sku"
          error={making.error}
          value={sku}
          onChange={setSku}
        />
        <TextField
          label={t('newProduct.category')}
          name="category"
          error={making.error}
          value={category}
          onChange={setCategory}
        />
        <TextField
          label={t('newProduct.price', { currency: props.company })}
          name="variants.0.price"
          error={making.error}
          inputMode="decimal"
          value={price}
          onChange={setPrice}
        />
      </div>
      <ErrorBanner error={making.error} />
      <div className="form-actions">
        <button
          type="button"
          className="btn primary"
          data-new-product
          disabled={making.busy}
          onClick={() => void make()}
        >
          {t('newProduct.make')}
        </button>
      </div>
    </div>
  );
}
