// Under the cart: the customer at the counter with their tier and points, what comes off the
// sale (discounts, points) and the total to pay, with the keys that change each.
import { FieldError } from '../../components/Field';
import { count, money } from '../../format';
import { useT } from '../../i18n';
import { CustomerSummary } from './CustomerDialog';
import type { Deal, Preview, Program } from './deal';

interface DealSummaryProps {
  deal: Deal;
  totals: Preview;
  program: Program | null;
  /** False when prices are entered before tax: the core adds it, so the total here is before tax. */
  pricesIncludeTax: boolean;
  error: unknown;
}

export function DealSummary({ deal, totals, program, pricesIncludeTax, error }: DealSummaryProps) {
  const t = useT('counter');
  const { customer, redeem } = deal;
  return (
    <div className="deal">
      <p className="deal-customer" data-testid="customer">
        {customer ? (
          <>
            <CustomerSummary customer={customer} />{' '}
            <span className="muted small">
              <kbd>F6</kbd> {t('keys.change')} · <kbd>Shift+F6</kbd> {t('keys.detach')}
              {program && customer.points && (
                <>
                  {' '}
                  · <kbd>F9</kbd> {t('keys.redeem')}
                </>
              )}
            </span>
          </>
        ) : (
          <span className="muted">
            <kbd>F6</kbd> {t('keys.customer')}
          </span>
        )}
      </p>
      <dl className="deal-figures">
        {(totals.discount > 0 || totals.rewardAmount > 0) && (
          <div>
            <dt>{t('totals.gross')}</dt>
            <dd>{money(totals.gross)}</dd>
          </div>
        )}
        {totals.discount > 0 && (
          <div>
            <dt>{t('totals.discount')}</dt>
            <dd data-testid="discount">−{money(totals.discount)}</dd>
          </div>
        )}
        {!pricesIncludeTax && totals.tax !== undefined && (
          <div>
            <dt>{t('totals.tax')}</dt>
            <dd data-testid="tax">+{money(totals.tax)}</dd>
          </div>
        )}
        {redeem && (
          <div>
            <dt>
              {redeem.reward
                ? t('totals.reward', { reward: redeem.reward.name, points: count(redeem.points) })
                : t('totals.points', { points: count(redeem.points) })}
            </dt>
            <dd data-testid="redeemed">−{money(totals.rewardAmount)}</dd>
          </div>
        )}
      </dl>
      <FieldError name="discount" error={error} />
      <FieldError name="redeem.points" error={error} />
      <FieldError name="redeem.rewardId" error={error} />
      <p className="muted small">
        <kbd>F7</kbd> {t('keys.lineDiscount')} · <kbd>F8</kbd> {t('keys.saleDiscount')}
        {!pricesIncludeTax && totals.tax === undefined && <> · {t('totals.taxAdded')}</>}
      </p>
    </div>
  );
}
