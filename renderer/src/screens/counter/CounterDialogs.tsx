// The counter's dialogs over the cart, one at a time: the customer (F6), a line's discount (F7),
// the sale's discount (F8) and the customer's points (F9). Each hands back what it changed and
// closes; the screen puts the focus back in the scan box.
import type { DraftLine } from '../../components/LinesTable';
import type { CatalogRow } from '../../components/ProductPicker';
import { useT } from '../../i18n';
import { CustomerDialog } from './CustomerDialog';
import { DiscountDialog } from './DiscountDialog';
import { RedeemDialog } from './RedeemDialog';
import { lineGross, preview, type Deal, type FoundCustomer, type Program } from './deal';
import type { CounterDialog } from './keys';

interface CounterDialogsProps {
  dialog: CounterDialog;
  lines: DraftLine[];
  deal: Deal;
  program: Program | null;
  onAttach(customer: FoundCustomer): void;
  /** A product scanned in the customer dialog: it goes on the sale. */
  onProduct(row: CatalogRow): void;
  onLines(update: (lines: DraftLine[]) => DraftLine[]): void;
  onDeal(update: (deal: Deal) => Deal): void;
  onClose(): void;
}

export function CounterDialogs(props: CounterDialogsProps) {
  const { dialog, lines, deal, program, onClose } = props;
  const t = useT('counter');
  const done = (change: () => void) => {
    change();
    onClose();
  };

  if (dialog.kind === 'customer')
    return (
      <CustomerDialog
        onPick={(customer) => done(() => props.onAttach(customer))}
        onProduct={(row) => done(() => props.onProduct(row))}
        onClose={onClose}
      />
    );

  if (dialog.kind === 'lineDiscount') {
    const line = lines[dialog.line];
    if (!line) return null;
    return (
      <DiscountDialog
        title={t('discount.lineTitle', { n: dialog.line + 1, sku: line.sku })}
        base={lineGross(line)}
        current={line.discount ?? 0}
        onApply={(amount) =>
          done(() =>
            props.onLines((now) =>
              now.map((l, i) => (i === dialog.line ? { ...l, discount: amount } : l)),
            ),
          )
        }
        onClose={onClose}
      />
    );
  }

  if (dialog.kind === 'saleDiscount') {
    // The sale's discount comes off what the lines' own discounts leave.
    const afterLines = preview(lines, { ...deal, discount: 0, redeem: null }, program);
    return (
      <DiscountDialog
        title={t('discount.saleTitle')}
        base={afterLines.total}
        current={deal.discount}
        onApply={(amount) => done(() => props.onDeal((d) => ({ ...d, discount: amount })))}
        onClose={onClose}
      />
    );
  }

  const points = deal.customer?.points;
  if (!program || !points) return null;
  return (
    <RedeemDialog
      program={program}
      available={points.available}
      left={preview(lines, { ...deal, redeem: null }, program).total}
      inCart={new Set(lines.map((l) => l.variantId))}
      current={deal.redeem}
      onApply={(redeem) => done(() => props.onDeal((d) => ({ ...d, redeem })))}
      onClose={onClose}
    />
  );
}
