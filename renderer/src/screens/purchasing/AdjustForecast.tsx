// "Adjust the forecast": a buyer describes what will change demand ("holiday next week, double
// sales") and head office's AI model proposes the days again; the core bounds its answer and says
// what it did with it: used, clipped (and how) or ignored (and why). That note is shown as the core
// wrote it, after its outcome in the person's words. Not a <form>: it sits in the draft's form.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { useT } from '../../i18n';

type Result = OutputOf<'purchasing.adjustForecast'>;
const outcomes = ['used', 'clipped', 'ignored'] as const;

/** "clipped: above … — reason" → the outcome and the rest of the note. */
function readNote(note: string): { outcome: (typeof outcomes)[number] | null; rest: string } {
  const outcome = outcomes.find((o) => note.startsWith(o)) ?? null;
  if (!outcome) return { outcome, rest: note };
  return { outcome, rest: note.slice(outcome.length).replace(/^\s*[:—-]?\s*/, '') };
}

export function AdjustForecast({ branchId, variantId }: { branchId: string; variantId: string }) {
  const t = useT('purchasing');
  const client = useClient();
  const action = useAction();
  const [description, setDescription] = useState('');
  const [result, setResult] = useState<Result | null>(null);

  const adjust = async () => {
    setResult(null);
    const done = await action.run(() =>
      client.call('purchasing.adjustForecast', { branchId, variantId, description }),
    );
    if (done) setResult(done);
  };

  const note = result && readNote(result.note);
  return (
    <div
      className="adjust-forecast"
      role="group"
      aria-label={t('adjust.title')}
      aria-busy={action.busy}
      data-testid="adjust-forecast"
    >
      <h3>{t('adjust.title')}</h3>
      <div className="toolbar wrap">
        <TextField
          label={t('adjust.description')}
          name="description"
          error={action.error}
          hint={t('adjust.hint')}
          autoComplete="off"
          value={description}
          onChange={setDescription}
          onKeyDown={(e) => {
            // Enter asks the model; it must not save the draft around it.
            if (e.key === 'Enter') {
              e.preventDefault();
              void adjust();
            }
          }}
        />
        <div className="form-actions">
          <button
            type="button"
            className="btn"
            data-adjust
            disabled={action.busy}
            onClick={() => void adjust()}
          >
            {action.busy ? t('adjust.asking') : t('adjust.ask')} <kbd>Enter</kbd>
          </button>
        </div>
      </div>
      <ErrorBanner error={action.error} shown={['description']} />
      {result && note && (
        <Notice kind={result.adjusted ? 'success' : 'warning'}>
          <span data-testid="adjust-note" data-outcome={note.outcome ?? ''}>
            {note.outcome ? t(`adjust.outcomes.${note.outcome}`) : ''}
            {note.rest && ` ${note.rest}`}
          </span>
        </Notice>
      )}
    </div>
  );
}
