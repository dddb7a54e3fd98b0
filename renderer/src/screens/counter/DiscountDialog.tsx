// A discount typed at the counter, on one line (F7) or on the whole sale (F8): an amount, or a
// percent of what it comes off ("10%"), turned into minor units here, as the core takes it.
import { useRef, useState } from 'react';
import { closeThen, Dialog } from '../../components/Dialog';
import { TextField } from '../../components/Field';
import { money } from '../../format';
import { useT } from '../../i18n';
import { parseDiscount, percentOf } from './deal';

interface DiscountDialogProps {
  /** What the dialog is about: "Line 2: TS-WHT-M" or "the whole sale". */
  title: string;
  /** What the discount comes off, in minor units. */
  base: number;
  current: number;
  onApply(amount: number): void;
  onClose(): void;
}

export function DiscountDialog({ title, base, current, onApply, onClose }: DiscountDialogProps) {
  const t = useT('counter');
  const form = useRef<HTMLFormElement>(null);
  const [text, setText] = useState(current ? money(current) : '');
  const [wrong, setWrong] = useState<string | undefined>(undefined);
  const amount = parseDiscount(text, base);

  return (
    <Dialog title={title} onClose={onClose} className="counter-dialog">
      <form
        ref={form}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (amount === null) return setWrong(t('discount.invalid', { base: money(base) }));
          closeThen(form.current, () => onApply(amount));
        }}
      >
        <p>{t('discount.base', { base: money(base) })}</p>
        <TextField
          label={t('discount.amount')}
          name="discount"
          error={undefined}
          localError={wrong}
          hint={t('discount.hint')}
          autoFocus
          autoComplete="off"
          inputMode="decimal"
          value={text}
          onChange={(v) => {
            setText(v);
            setWrong(undefined);
          }}
        />
        <p aria-live="polite" data-testid="discount-preview">
          {amount !== null && amount > 0
            ? t('discount.preview', {
                amount: money(amount),
                percent: percentOf(amount, base),
                left: money(base - amount),
              })
            : ''}
        </p>
        <div className="form-actions">
          <button type="submit" className="btn primary">
            {t('discount.apply')} <kbd>Enter</kbd>
          </button>
          <button type="button" className="btn" onClick={() => closeThen(form.current, onClose)}>
            {t('close')} <kbd>Esc</kbd>
          </button>
        </div>
      </form>
    </Dialog>
  );
}
