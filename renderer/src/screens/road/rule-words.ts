// Badge rules in words, shared by the badges screen and the admin's rules (decision 0034).
import { count } from '../../format';
import type { Translate } from '../../i18n';

type BoardRole = 'driver' | 'sales_rep';

export const kindsOf: Record<BoardRole, readonly string[]> = {
  driver: ['delivery', 'on_time_trip'],
  sales_rep: ['order_delivered', 'new_customer'],
};

/** "10 deliveries with full proof in a week": a rule in words. */
export function ruleWords(
  t: Translate,
  r: { rule: string | null; kind: string | null; threshold?: number | null; period: string | null },
): string {
  const kind = r.kind ? t(`kind.${r.kind}`) : '—';
  const period = r.period
    ? t(`periodOf.${r.period.includes('W') ? 'week' : r.period.length === 7 ? 'month' : r.period}`)
    : '';
  if (r.rule === 'top') return t('describe.top', { kind, period });
  if (r.rule === 'streak')
    return t('describe.streak', { n: count(r.threshold ?? 0), kind, period });
  if (r.rule === 'count') return t('describe.count', { n: count(r.threshold ?? 0), kind, period });
  return kind;
}
