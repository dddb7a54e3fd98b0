// The headline figures: one card each, with what it is measured against when there is something.
import type { Translate } from '../../i18n';
import { figure, wordOr, type DashCard } from './words';

export function Cards({ t, cards }: { t: Translate; cards: readonly DashCard[] }) {
  return (
    <ul className="dash-cards" aria-label={t('cardsTitle')}>
      {cards.map((c) => (
        <li key={c.id} className="dash-card" data-card={c.id} data-value={c.value}>
          <span className="dash-card-label">{wordOr(t, `card.${c.id}`, c.id)}</span>
          <strong className="dash-card-value">{figure(t, c.unit, c.value)}</strong>
          {c.compare && (
            <span className="dash-card-compare muted" data-compare={c.compare.id}>
              {wordOr(t, `card.${c.compare.id}`, c.compare.id)}:{' '}
              {figure(t, c.unit, c.compare.value)}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
