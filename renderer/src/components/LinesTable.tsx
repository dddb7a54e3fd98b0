// The lines of an order or a sale, with quantities the clerk can change. A line's errors from
// the core (`lines.2.quantity`) appear in its own row.
import { createContext, useContext, useEffect, useState } from 'react';
import { count, money, parseCount } from '../format';
import { useT } from '../i18n';
import { FieldError, ItemName, QuantityField } from './Field';
import type { CatalogRow } from './ProductPicker';

export interface DraftLine {
  variantId: string;
  sku: string;
  name: string;
  unitPrice: number;
  /** As typed, so "-1" or "" reach the core and come back as a message beside the box. */
  quantity: string;
  /** A counter sale's discount on the line, in minor units. */
  discount?: number;
  /** The product's unit ('pcs', 'g', 'cm'…): quantities are whole numbers of it. */
  unit?: string;
  /** A scale label's line: its own key, as each weighing is a line of its own. */
  key?: string;
}

/** Keys of scale labels' lines, unique for as long as the screen is open. */
let weighings = 0;

/**
 * Lines being put together, kept while the clerk looks at another screen (stock, say) and
 * comes back. One store per signed-in person (the shell makes it); gone on sign-out or reload.
 */
export interface Drafts {
  newOrder: DraftLine[];
  counterSale: DraftLine[];
}

export const DraftsContext = createContext<Drafts>({ newOrder: [], counterSale: [] });

/** Like useState for a draft's lines, but what is left unfinished is there on coming back. */
export function useDraftLines(which: keyof Drafts) {
  const drafts = useContext(DraftsContext);
  const [lines, setLines] = useState<DraftLine[]>(drafts[which]);
  useEffect(() => {
    drafts[which] = lines;
  }, [drafts, which, lines]);
  return [lines, setLines] as const;
}

/**
 * A scanned or picked variant: a new line, or one more on its existing line. A scale label
 * (weight or price embedded) is a new line of the quantity it stands for, never merged.
 */
export function addVariant(lines: DraftLine[], row: CatalogRow): DraftLine[] {
  const line = {
    variantId: row.variantId,
    sku: row.sku,
    name: row.name,
    unitPrice: row.price,
    unit: row.unit,
  };
  if (row.quantity !== undefined)
    return [
      ...lines,
      { ...line, quantity: String(row.quantity), key: `${row.variantId}/${++weighings}` },
    ];
  const at = lines.findIndex((l) => l.variantId === row.variantId && l.key === undefined);
  if (at < 0) return [...lines, { ...line, quantity: '1' }];
  return lines.map((l, i) =>
    i === at ? { ...l, quantity: String((parseCount(l.quantity) || 0) + 1) } : l,
  );
}

export const draftTotal = (lines: DraftLine[]): number =>
  lines.reduce((sum, l) => {
    const q = parseCount(l.quantity);
    return Number.isInteger(q) && q > 0 ? sum + q * l.unitPrice : sum;
  }, 0);

/** Paths of every input this table shows, for the banner to leave alone. */
export const lineFields = (lines: DraftLine[]): string[] => [
  'lines',
  ...lines.flatMap((_, i) => [
    `lines.${i}.quantity`,
    `lines.${i}.variantId`,
    `lines.${i}.discount`,
  ]),
];

interface LinesTableProps {
  lines: DraftLine[];
  onChange(lines: DraftLine[]): void;
  error: unknown;
  /** A line the screen refused itself before asking the core (a quantity left empty). */
  refused?: { index: number; message: string } | null;
}

export function LinesTable({ lines, onChange, error, refused }: LinesTableProps) {
  const t = useT('orders');
  const set = (i: number, quantity: string) =>
    onChange(lines.map((l, j) => (j === i ? { ...l, quantity } : l)));
  return (
    <div className="lines-wrap">
      <table className="table lines">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>{t('lines.item')}</th>
            <th className="num">{t('lines.unitPrice')}</th>
            <th className="qty-wide">{t('lines.quantity')}</th>
            <th className="num">{t('lines.lineTotal')}</th>
            <th>
              <span className="sr-only">{t('lines.remove')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.length === 0 && (
            <tr>
              <td colSpan={6} className="empty">
                {t('lines.empty')}
              </td>
            </tr>
          )}
          {lines.map((l, i) => {
            const q = parseCount(l.quantity);
            return (
              <tr key={l.key ?? l.variantId} data-sku={l.sku} data-line={i}>
                <td className="num">{i + 1}</td>
                <td>
                  <ItemName sku={l.sku} name={l.name} />
                  <FieldError name={`lines.${i}.variantId`} error={error} />
                </td>
                <td className="num">{money(l.unitPrice)}</td>
                <td className="qty-wide">
                  <QuantityField
                    label={t('lines.qtyFor', { sku: l.sku })}
                    name={`lines.${i}.quantity`}
                    error={error}
                    localError={refused?.index === i ? refused.message : undefined}
                    value={l.quantity}
                    onChange={(v) => set(i, v)}
                  />
                  {l.unit && l.unit !== 'pcs' && Number.isInteger(q) && q > 0 && (
                    <div className="muted small" data-quantity-unit>
                      {count(q)} {l.unit}
                    </div>
                  )}
                </td>
                <td className="num" data-discount={l.discount || undefined}>
                  {Number.isInteger(q) && q > 0 ? money(q * l.unitPrice - (l.discount ?? 0)) : '—'}
                  {!!l.discount && (
                    <div className="muted small">
                      {t('lines.discounted', { amount: money(l.discount) })}
                    </div>
                  )}
                  <FieldError name={`lines.${i}.discount`} error={error} />
                </td>
                <td>
                  <button
                    type="button"
                    className="btn icon"
                    aria-label={t('lines.removeSku', { sku: l.sku })}
                    onClick={() => onChange(lines.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FieldError name="lines" error={error} />
    </div>
  );
}
