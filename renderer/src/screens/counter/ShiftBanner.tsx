// No shift open on this counter: said in a small banner that stops nothing (sales still record),
// with Alt+H opening a shift with the cash float in the drawer. Closing the shift is the day
// close's business, not the counter's.
import { useEffect, useRef, useState } from 'react';
import { useClient, useQuery } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { isCode } from '../../errors';
import { parseMoney } from '../../format';
import { useT } from '../../i18n';

export const openShiftKey = 'Alt+H';

export function ShiftBanner({
  opening,
  onOpening,
  onDone,
}: {
  /** The float form is showing (the screen opens it on Alt+H). */
  opening: boolean;
  onOpening(open: boolean): void;
  /** The form is gone: the screen puts the focus back in the scan box. */
  onDone(): void;
}) {
  const t = useT('counter');
  const client = useClient();
  const shift = useQuery(() => client.call('shifts.current', {}), []);
  const [float, setFloat] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [wrong, setWrong] = useState<string | undefined>(undefined);
  const box = useRef<HTMLFormElement>(null);

  const none = !shift.loading && shift.data === null && !shift.error;
  // Alt+H may come before the answer: the box takes the focus once it is on screen.
  useEffect(() => {
    if (opening && none) box.current?.querySelector('input')?.focus();
  }, [opening, none]);

  if (!none) return null;

  const open = async () => {
    const openingFloat = parseMoney(float);
    if (openingFloat === null || openingFloat < 0) return setWrong(t('shift.invalid'));
    try {
      await client.call('shifts.open', { openingFloat });
    } catch (e) {
      if (!isCode(e, 'SHIFT_ALREADY_OPEN')) return setError(e);
    }
    onOpening(false);
    shift.reload();
    onDone();
  };

  return (
    <div className="banner banner-warning shift-banner" role="status">
      <span>{t('shift.none', { key: openShiftKey })}</span>
      {!opening ? (
        <button
          type="button"
          className="btn"
          aria-keyshortcuts={openShiftKey}
          onClick={() => onOpening(true)}
        >
          {t('shift.open')} <kbd>{openShiftKey}</kbd>
        </button>
      ) : (
        <form
          ref={box}
          className="row-form"
          aria-label={t('shift.open')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void open();
          }}
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            e.preventDefault();
            e.stopPropagation();
            onOpening(false);
            onDone();
          }}
        >
          <TextField
            label={t('shift.float')}
            name="openingFloat"
            error={error}
            localError={wrong}
            autoComplete="off"
            inputMode="decimal"
            value={float}
            onChange={(v) => {
              setFloat(v);
              setWrong(undefined);
            }}
          />
          <button type="submit" className="btn primary">
            {t('shift.start')} <kbd>Enter</kbd>
          </button>
          <ErrorBanner error={error} shown={['openingFloat']} />
        </form>
      )}
    </div>
  );
}
