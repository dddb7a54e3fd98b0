// Why the nightly run asked for a line, as its reasons were that night (core/purchasing/plan.ts's
// Why): the stock it counted, what the forecast expected before the goods could arrive, the rule
// it met, and how the need was rounded to the supplier's packs. Read defensively: the figures come
// as JSON kept on the line, and an older or newer run may have written fewer or more of them.
// A buyer may have the forecast adjusted below, from what they know is coming.
import { useUser } from '../../app-context';
import { count, dateTime } from '../../format';
import { currentLanguage, useT } from '../../i18n';
import { can } from '../../roles';
import { AdjustForecast } from './AdjustForecast';

type Figures = Record<string, unknown>;

const isFigures = (v: unknown): v is Figures => typeof v === 'object' && v !== null;
const num = (o: Figures, key: string): number | null => {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/** A figure as people read it: whole numbers grouped, fractions to one decimal. */
const figure = (n: number | null): string =>
  n === null
    ? '—'
    : Number.isInteger(n)
      ? count(n)
      : n.toLocaleString(currentLanguage(), { maximumFractionDigits: 1 });

const methods = ['seasonal', 'croston-sba', 'tsb', 'average', 'none'];

export function WhyDetails({
  why,
  branchId,
  variantId,
}: {
  why: unknown;
  branchId: string;
  variantId: string;
}) {
  const t = useT('purchasing');
  const user = useUser();
  if (!isFigures(why)) return <p className="muted">{t('why.none')}</p>;
  const rule = isFigures(why.rule) ? why.rule : {};
  const forecast = isFigures(why.forecast) ? why.forecast : {};
  const method = typeof forecast.method === 'string' ? forecast.method : 'none';
  const fittedAt = num(forecast, 'fittedAt');
  const max = num(rule, 'max');
  const days = num(rule, 'daysOfCover');
  return (
    <>
      <dl className="facts why" data-testid="why">
        <dt>{t('why.stock')}</dt>
        <dd data-why="stock">
          {t('why.stockText', {
            onHand: figure(num(why, 'onHand')),
            inTransit: figure(num(why, 'inTransit')),
            onOrder: figure(num(why, 'onOrder')),
            reserved: figure(num(why, 'reserved')),
            projected: figure(num(why, 'projected')),
          })}
        </dd>
        <dt>{t('why.forecast')}</dt>
        <dd data-why="forecast">
          {t('why.forecastText', {
            method: methods.includes(method) ? t(`why.methods.${method}`) : method,
            perDay: figure(num(forecast, 'perDay')),
            lead: figure(num(why, 'leadTimeDays')),
            demand: figure(num(why, 'demandOverLeadTime')),
            atArrival: figure(num(why, 'atArrival')),
          })}
          {forecast.shortHistory === true && ` ${t('why.shortHistory')}`}
          {fittedAt !== null && ` ${t('why.fitted', { at: dateTime(fittedAt) })}`}
        </dd>
        <dt>{t('why.rule')}</dt>
        <dd data-why="rule">
          {max !== null
            ? t('why.ruleMax', { min: figure(num(rule, 'min')), max: figure(max) })
            : t('why.ruleDays', {
                min: figure(num(rule, 'min')),
                days: figure(days),
                cover: figure(num(forecast, 'overCover')),
              })}
        </dd>
        <dt>{t('why.order')}</dt>
        <dd data-why="order">
          {t('why.orderText', {
            target: figure(num(why, 'target')),
            need: figure(num(why, 'need')),
            pack: figure(num(why, 'packSize')),
            moq: figure(num(why, 'minOrderQty')),
          })}
        </dd>
      </dl>
      {can(user, 'purchasing.manage') && (
        <AdjustForecast branchId={branchId} variantId={variantId} />
      )}
    </>
  );
}
