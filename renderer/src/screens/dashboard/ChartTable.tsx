// Under every chart: exactly the numbers drawn (rows: labels, columns: series) and a button that
// saves the same numbers as CSV, money in major units with the currency's decimals.
import { download } from '../../files';
import type { Translate } from '../../i18n';
import { chartCsv, chartTitle, figure, labelText, seriesName, type DashChart } from './words';

/** UTF-8 text as base64, the form files.ts saves. */
function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function ChartTable({
  t,
  chart,
  range,
}: {
  t: Translate;
  chart: DashChart;
  range: { from: string; to: string };
}) {
  const title = chartTitle(t, chart.id);
  const save = () =>
    download({
      fileName: `${chart.id}-${range.from}-${range.to}.csv`,
      mime: 'text/csv',
      contentBase64: base64(chartCsv(t, chart)),
    });
  return (
    <div className="chart-numbers">
      <div
        className="table-wrap table-box"
        tabIndex={0}
        role="region"
        aria-label={t('chartTable', { chart: title })}
      >
        <table className="table compact chart-table" data-chart-table={chart.id}>
          <thead>
            <tr>
              <th scope="col">{t(`labelKind.${chart.labelKind}`)}</th>
              {chart.series.map((s) => (
                <th scope="col" key={s.key} data-series={s.key} className="num">
                  {seriesName(t, s)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {chart.labels.map((label, i) => (
              <tr key={`${label}-${i}`} data-label={label}>
                <th scope="row">{labelText(t, chart.labelKind, label)}</th>
                {chart.series.map((s) => (
                  <td key={s.key} className="num" data-series={s.key} data-value={s.values[i] ?? 0}>
                    {figure(t, chart.unit, s.values[i] ?? 0)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button
        type="button"
        className="btn small"
        data-export={chart.id}
        aria-label={t('exportCsvOf', { chart: title })}
        onClick={save}
      >
        {t('exportCsv')}
      </button>
    </div>
  );
}
