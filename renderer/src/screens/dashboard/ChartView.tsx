// One chart drawn with chart.js: lines, bars (grouped when there are several series) or stacked
// bars. The chart is kept between answers and only its data replaced, so a refresh after a sync
// redraws in place without a blank moment. No animation: the screen is "ready" once drawn.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useRef } from 'react';
import { currentLanguage, useT } from '../../i18n';
import { chartTitle, figure, labelText, seriesName, type DashChart } from './words';

Chart.register(
  LineController,
  BarController,
  CategoryScale,
  LinearScale,
  PointElement,
  LineElement,
  BarElement,
  Tooltip,
  Legend,
);

/** Colours far enough apart to tell series apart, each ≥ 3:1 against white. */
const palette = [
  '#1d4ed8',
  '#c2410c',
  '#047857',
  '#7c3aed',
  '#b91c1c',
  '#0e7490',
  '#a16207',
  '#be185d',
];

type Config = ChartConfiguration<'bar' | 'line', number[], string>;

export function ChartView({
  chart,
  onDrawn,
}: {
  chart: DashChart;
  onDrawn(chart: DashChart): void;
}) {
  const t = useT('analytics');
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawn = useRef<{ chart: Chart<'bar' | 'line', number[], string>; type: string } | null>(
    null,
  );
  const language = currentLanguage();

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const stacked = chart.kind === 'stacked';
    const type = chart.kind === 'line' ? 'line' : 'bar';
    const data: Config['data'] = {
      labels: chart.labels.map((l) => labelText(t, chart.labelKind, l)),
      datasets: chart.series.map((s, i) => {
        const colour = palette[i % palette.length] ?? '#1d4ed8';
        return {
          label: seriesName(t, s),
          data: [...s.values],
          backgroundColor: colour,
          borderColor: colour,
          borderWidth: type === 'line' ? 2 : 0,
          pointRadius: type === 'line' ? 2 : 0,
        };
      }),
    };
    const options: Config['options'] = {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked, ticks: { autoSkip: true, maxRotation: 0 } },
        y: {
          stacked,
          beginAtZero: true,
          // Whole minor units and whole counts: an empty chart's axis would otherwise step by 0.1.
          ticks: {
            ...(chart.unit !== 'hours' && chart.unit !== 'percent' && { precision: 0 }),
            callback: (v) =>
              figure(t, chart.unit, chart.unit === 'money' ? Math.round(Number(v)) : Number(v)),
          },
        },
      },
      plugins: {
        legend: { display: chart.series.length > 1, position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (item) =>
              `${item.dataset.label ?? ''}: ${figure(t, chart.unit, item.parsed.y ?? 0)}`,
          },
        },
      },
    };
    const old = drawn.current;
    if (old && old.type === type) {
      old.chart.data = data;
      old.chart.options = options;
      old.chart.update('none');
    } else {
      old?.chart.destroy();
      drawn.current = { chart: new Chart(el, { type, data, options } as Config), type };
    }
    onDrawn(chart);
    // `t` is new each render; the language is what changes its words.
  }, [chart, language]);

  useEffect(
    () => () => {
      drawn.current?.chart.destroy();
      drawn.current = null;
    },
    [],
  );

  return (
    <div className="chart-box">
      <canvas
        ref={canvas}
        role="img"
        aria-label={t('chartImage', { chart: chartTitle(t, chart.id) })}
        data-chart-canvas={chart.id}
      />
    </div>
  );
}
