// Lines put together from scans: a plain scan adds one to its variant's line, a scale label is a
// line of its own with the quantity it stands for, whatever lines of the same variant exist.
import { describe, expect, it } from 'vitest';
import { addVariant, type DraftLine } from './LinesTable';
import type { CatalogRow } from './ProductPicker';

const coffee: CatalogRow = {
  variantId: 'v-coffee',
  productId: 'p-coffee',
  productName: 'Coffee',
  name: 'Coffee',
  category: 'Grocery',
  unit: 'g',
  sku: 'COF',
  barcode: '4006381333931',
  attributes: {},
  price: 3,
  cost: 1,
  receivedCost: null,
  margin: 2,
  marginBasisPoints: 6667,
  minStock: 0,
  taxRateBp: null,
  scalePrefix: 21,
  scaleItem: '00123',
  scaleEmbeds: 'weight',
  active: true,
};

const scans = (...rows: CatalogRow[]): DraftLine[] =>
  rows.reduce<DraftLine[]>((lines, row) => addVariant(lines, row), []);

describe('adding scans to the lines', () => {
  it('gives each scale label its own line and adds plain scans to the plain line', () => {
    const lines = scans(
      { ...coffee, quantity: 1250 },
      coffee,
      { ...coffee, quantity: 800 },
      coffee,
    );
    expect(lines.map((l) => [l.quantity, l.unit])).toEqual([
      ['1250', 'g'],
      ['2', 'g'],
      ['800', 'g'],
    ]);
    const keys = lines.map((l) => l.key ?? l.variantId);
    expect(new Set(keys).size).toBe(3);
  });
});
