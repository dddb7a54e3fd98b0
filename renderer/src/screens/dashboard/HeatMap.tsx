// The weekday × hour heat map as a CSS grid: a row per series (mon…sun), a column per label
// (hours 0–23), darker where more was sold; each cell says its number to a pointer and a reader.
import { useEffect } from 'react';
import { useT } from '../../i18n';
import { chartTitle, figure, labelText, seriesName, type DashChart } from './words';

/** Pale grey for nothing, then lighter to darker blue as the share of the busiest hour grows. */
const shade = (share: number) =>
  share <= 0 ? '#f3f5f8' : `hsl(221 83% ${Math.round(92 - share * 62)}%)`;

export function HeatMap({ chart, onDrawn }: { chart: DashChart; onDrawn(chart: DashChart): void }) {
  const t = useT('analytics');
  const max = Math.max(0, ...chart.series.flatMap((s) => s.values));
  useEffect(() => onDrawn(chart), [chart]);
  return (
    <div
      className="heat-map"
      role="group"
      aria-label={t('chartImage', { chart: chartTitle(t, chart.id) })}
      data-chart-canvas={chart.id}
      style={{ gridTemplateColumns: `auto repeat(${chart.labels.length}, minmax(0, 1fr))` }}
    >
      <span />
      {/* Every third hour named, over the three columns it heads: narrow windows have no room for 24. */}
      {chart.labels.map((l, i) =>
        i % 3 === 0 ? (
          <span
            key={l}
            className="heat-col"
            aria-hidden="true"
            style={{ gridColumn: `span ${Math.min(3, chart.labels.length - i)}` }}
          >
            {labelText(t, chart.labelKind, l)}
          </span>
        ) : null,
      )}
      {chart.series.map((s) => {
        const row = seriesName(t, s);
        return [
          <span key={`${s.key}-name`} className="heat-row" aria-hidden="true">
            {row}
          </span>,
          ...chart.labels.map((l, i) => {
            const value = s.values[i] ?? 0;
            const words = t('heatCell', {
              row,
              column: labelText(t, chart.labelKind, l),
              value: figure(t, chart.unit, value),
            });
            return (
              <span
                key={`${s.key}-${l}`}
                className="heat-cell"
                role="img"
                title={words}
                aria-label={words}
                data-value={value}
                style={{ background: shade(max > 0 ? value / max : 0) }}
              />
            );
          }),
        ];
      })}
    </div>
  );
}
