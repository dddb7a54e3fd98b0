// Finding what goes on a line: a scan box (a barcode scanner types the code fast and presses
// Enter) and a catalog search. Either hands the chosen variant to the screen.
import { useEffect, useRef, useState } from 'react';
import { useClient, useQuery } from '../app-context';
import type { OutputOf } from '../client';
import { money } from '../format';
import { useT } from '../i18n';
import { ErrorBanner } from './Banner';
import { Field, TextField } from './Field';

export type CatalogRow = OutputOf<'catalog.findByCode'>;

export function ProductPicker({
  onPick,
  onMiss,
}: {
  onPick(row: CatalogRow): void;
  /**
   * A scanned or typed code that matched nothing (it stays in the box, selected), unless this
   * answers true: the screen knew the code as something else (a loyalty card), and the box empties.
   */
  onMiss?(code: string): boolean | Promise<boolean>;
}) {
  const client = useClient();
  const t = useT('orders');
  const [code, setCode] = useState('');
  const [scanError, setScanError] = useState<unknown>(undefined);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const scanBox = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), 200);
    return () => clearTimeout(timer);
  }, [search]);
  const results = useQuery(
    () =>
      query
        ? client.call('catalog.list', { search: query, limit: 8 })
        : Promise.resolve<CatalogRow[]>([]),
    [query],
  );

  const scan = async () => {
    const sent = code;
    const typed = sent.trim();
    if (!typed) return;
    // The next scan may have begun while this one was looked up: its digits were typed after
    // this code in the same box, so they alone stay. A box the clerk changed meanwhile stays.
    const afterThisScan = (now: string) => {
      if (now.trim() === typed) return '';
      const rest = now.startsWith(sent) ? now.slice(sent.length) : now;
      return rest.trim() === '' ? '' : rest.trimStart();
    };
    try {
      const row = await client.call('catalog.findByCode', { code: typed });
      setScanError(undefined);
      setCode(afterThisScan);
      onPick(row);
    } catch (e) {
      if ((await onMiss?.(typed)) === true) {
        setScanError(undefined);
        setCode(afterThisScan);
        return;
      }
      setScanError(e);
      // Selected, the code that missed is replaced by the next scan instead of joined by it.
      scanBox.current?.select();
    }
  };
  const pick = (row: CatalogRow) => {
    const focused = document.activeElement;
    onPick(row);
    setSearch('');
    setQuery('');
    // Back to the scan box for the next item, unless the screen moved the focus on itself
    // (production goes to the quantity made).
    if (document.activeElement === focused) scanBox.current?.focus();
  };

  return (
    <div className="picker">
      <Field label={t('picker.scan')} name="code" error={scanError}>
        {(p) => (
          <input
            {...p}
            ref={scanBox}
            className="scan-box"
            data-scan
            autoFocus
            autoComplete="off"
            inputMode="text"
            value={code}
            onChange={(e) => {
              setCode(e.target.value);
              setScanError(undefined);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void scan();
              }
            }}
          />
        )}
      </Field>
      <TextField
        label={t('picker.search')}
        name="search"
        error={results.error}
        type="search"
        data-search
        autoComplete="off"
        placeholder={t('picker.searchHint')}
        value={search}
        onChange={setSearch}
        onKeyDown={(e) => {
          const first = results.data?.[0];
          if (e.key === 'Enter') {
            e.preventDefault();
            if (first) pick(first);
          }
        }}
      />
      <ErrorBanner error={results.error} shown={['search']} />
      {query && results.data && (
        <ul className="results" aria-label={t('picker.results')}>
          {results.data.length === 0 && <li className="muted">{t('picker.none', { query })}</li>}
          {results.data.map((row) => (
            <li key={row.variantId}>
              <button type="button" className="result" onClick={() => pick(row)}>
                <span className="sku">{row.sku}</span>
                <span className="grow">{row.name}</span>
                <span className="num">{money(row.price)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
