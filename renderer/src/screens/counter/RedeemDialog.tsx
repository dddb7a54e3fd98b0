// Redeeming the attached customer's points (F9): some or all of what is available as an amount off
// (points × the program's point value), or a reward, whose product must be on the sale and comes
// off free. Empty points take a redemption off again.
import { useRef, useState } from 'react';
import { closeThen, Dialog } from '../../components/Dialog';
import { Field, TextField } from '../../components/Field';
import { count, money } from '../../format';
import { useT } from '../../i18n';
import type { Program, Redeem } from './deal';

interface RedeemDialogProps {
  program: Program;
  /** Points the customer may spend now. */
  available: number;
  /** What is left to pay before any redemption, in minor units. */
  left: number;
  /** The variants on the sale, for which rewards can be taken. */
  inCart: ReadonlySet<string>;
  current: Redeem | null;
  onApply(redeem: Redeem | null): void;
  onClose(): void;
}

export function RedeemDialog(props: RedeemDialogProps) {
  const { program, available, left, inCart } = props;
  const t = useT('counter');
  const form = useRef<HTMLFormElement>(null);
  const [rewardId, setRewardId] = useState(props.current?.reward?.id ?? '');
  const [text, setText] = useState(
    props.current && !props.current.reward ? String(props.current.points) : '',
  );
  const [wrong, setWrong] = useState<{ field: string; message: string } | null>(null);
  const reward = program.rewards.find((r) => r.id === rewardId) ?? null;
  const points = reward ? reward.points : text.trim() === '' ? 0 : Number(text);
  const valid = Number.isInteger(points) && points >= 0;

  const apply = () => {
    const refuse = (field: string, message: string) => setWrong({ field, message });
    if (reward) {
      if (!inCart.has(reward.variantId))
        return refuse('rewardId', t('redeem.notInCart', { reward: reward.name }));
      if (reward.points > available)
        return refuse('rewardId', t('redeem.tooMany', { available: count(available) }));
    } else {
      if (!valid) return refuse('points', t('redeem.invalid'));
      if (points > available)
        return refuse('points', t('redeem.tooMany', { available: count(available) }));
      if (points * program.pointValue > left)
        return refuse('points', t('redeem.overTotal', { left: money(left) }));
    }
    const redeem = reward
      ? { points: reward.points, reward }
      : points > 0
        ? { points, reward: null }
        : null;
    closeThen(form.current, () => props.onApply(redeem));
  };

  return (
    <Dialog title={t('redeem.title')} onClose={props.onClose} className="counter-dialog">
      <form
        ref={form}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <p>
          {t('redeem.available', {
            available: count(available),
            value: money(available * program.pointValue),
          })}
        </p>
        {program.rewards.length > 0 && (
          <Field
            label={t('redeem.for')}
            name="rewardId"
            error={undefined}
            localError={wrong?.field === 'rewardId' ? wrong.message : undefined}
          >
            {(p) => (
              <select
                {...p}
                value={rewardId}
                onChange={(e) => {
                  setRewardId(e.target.value);
                  setWrong(null);
                }}
              >
                <option value="">{t('redeem.amountOff')}</option>
                {program.rewards.map((r) => (
                  <option key={r.id} value={r.id}>
                    {t('redeem.reward', { reward: r.name, points: count(r.points) })}
                    {inCart.has(r.variantId) ? '' : ` (${t('redeem.scanFirst')})`}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {!reward && (
          <TextField
            label={t('redeem.points')}
            name="points"
            error={undefined}
            localError={wrong?.field === 'points' ? wrong.message : undefined}
            autoFocus
            autoComplete="off"
            inputMode="numeric"
            value={text}
            onChange={(v) => {
              setText(v);
              setWrong(null);
            }}
          />
        )}
        <p aria-live="polite" data-testid="redeem-value">
          {valid && points > 0 && !reward
            ? t('redeem.value', {
                points: count(points),
                value: money(points * program.pointValue),
              })
            : ''}
        </p>
        <div className="form-actions">
          <button type="submit" className="btn primary">
            {t('redeem.apply')} <kbd>Enter</kbd>
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => closeThen(form.current, props.onClose)}
          >
            {t('close')} <kbd>Esc</kbd>
          </button>
        </div>
      </form>
    </Dialog>
  );
}
