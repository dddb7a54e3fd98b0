// Admin: head office's AI model (issue 14) — the OpenAI-compatible server's address, the model,
// the API key (written, never read back: the core only says whether one is stored), the time
// limit and the switch, and a test that sends the model one tiny request. A branch PC has no AI
// service: it says where the model is set up instead of showing a form.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { InputOf, OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { isCode } from '../../errors';
import { count } from '../../format';
import { useT } from '../../i18n';

type Settings = OutputOf<'ai.settings'>;
type TestResult = OutputOf<'ai.test'>;
type SaveInput = InputOf<'ai.saveSettings'>;

/** The form's fields as the core names them, so their errors land beside them. */
const fields = ['enabled', 'baseUrl', 'model', 'apiKey', 'timeoutSeconds'];

export function AiSettings() {
  const t = useT('ai');
  const client = useClient();
  const settings = useQuery(() => client.call('ai.settings', {}), []);
  const notHeadOffice = isCode(settings.error, 'HEAD_OFFICE_ONLY');

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
      </header>
      {notHeadOffice ? (
        <section className="panel">
          <Notice kind="info">{t('headOffice')}</Notice>
        </section>
      ) : (
        <>
          <ErrorBanner error={settings.error} />
          {settings.data && (
            <SettingsForm settings={settings.data} onSaved={() => settings.reload()} />
          )}
        </>
      )}
    </div>
  );
}

function Facts({ s }: { s: Settings }) {
  const t = useT('ai');
  return (
    <dl className="facts" aria-label={t('now')}>
      <dt>{t('state')}</dt>
      <dd>
        {s.enabled ? t('on') : t('off')} — {s.ready ? t('ready') : t('notReady')}
      </dd>
      <dt>{t('apiKey')}</dt>
      <dd data-testid="ai-key-state">{s.apiKey === 'set' ? t('keySet') : t('keyNotSet')}</dd>
      <dt>{t('mode')}</dt>
      <dd>{s.mode ? t(`modes.${s.mode}`) : t('modeUnknown')}</dd>
    </dl>
  );
}

/** Its fields start from the settings first loaded; after a save they hold what was saved. */
function SettingsForm({ settings: s, onSaved }: { settings: Settings; onSaved(): void }) {
  const t = useT('ai');
  const client = useClient();
  const [enabled, setEnabled] = useState(s.enabled);
  const [baseUrl, setBaseUrl] = useState(s.baseUrl ?? '');
  const [model, setModel] = useState(s.model ?? '');
  const [apiKey, setApiKey] = useState('');
  const [clearKey, setClearKey] = useState(false);
  const [timeout, setTimeoutText] = useState(String(s.timeoutSeconds));
  const [timeoutError, setTimeoutError] = useState<string | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);
  const save = useAction();
  const test = useAction();

  /** Only what differs from the stored settings: an empty key keeps the stored one. */
  const changes = (): SaveInput | null => {
    const seconds = Number(timeout.trim().replace(',', '.'));
    if (!timeout.trim() || !Number.isFinite(seconds)) {
      setTimeoutError(t('timeoutNotNumber'));
      return null;
    }
    setTimeoutError(undefined);
    const input: SaveInput = {};
    if (enabled !== s.enabled) input.enabled = enabled;
    if ((baseUrl.trim() || null) !== s.baseUrl) input.baseUrl = baseUrl.trim() || null;
    if ((model.trim() || null) !== s.model) input.model = model.trim() || null;
    if (clearKey) input.apiKey = null;
    else if (apiKey.trim()) input.apiKey = apiKey.trim();
    if (seconds !== s.timeoutSeconds) input.timeoutSeconds = seconds;
    return input;
  };

  /** Saves the form's changes; true when there was nothing to save or it was saved. */
  const saveChanges = async (input: SaveInput): Promise<boolean> => {
    if (Object.keys(input).length === 0) return true;
    const r = await save.run(() => client.call('ai.saveSettings', input));
    if (!r) return false;
    setApiKey('');
    setClearKey(false);
    return true;
  };

  const onSave = async () => {
    setResult(null);
    setSaved(false);
    const input = changes();
    if (!input || !(await saveChanges(input))) return;
    setSaved(true);
    onSaved();
  };

  const onTest = async () => {
    setResult(null);
    setSaved(false);
    const input = changes();
    if (!input || !(await saveChanges(input))) return;
    const r = await test.run(() => client.call('ai.test', {}));
    if (r) setResult(r);
    // The test remembers the JSON mode it found: the facts above show it after a reload.
    if (Object.keys(input).length > 0 || r?.ok) onSaved();
  };

  const busy = save.busy || test.busy;

  return (
    <section className="panel" aria-labelledby="ai-settings-title">
      <h2 id="ai-settings-title">{t('settings')}</h2>
      <Facts s={s} />
      <form
        aria-label={t('settings')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void onSave();
        }}
      >
        <ErrorBanner error={save.error ?? test.error} shown={fields} />
        <label className="check">
          <input
            type="checkbox"
            name="enabled"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
          />
          {t('enabled')}
        </label>
        <div className="form-grid">
          <TextField
            label={t('baseUrl')}
            name="baseUrl"
            error={save.error}
            hint={t('baseUrlHint')}
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="http://127.0.0.1:8080/v1"
            value={baseUrl}
            onChange={setBaseUrl}
          />
          <TextField
            label={t('model')}
            name="model"
            error={save.error}
            hint={t('modelHint')}
            autoComplete="off"
            spellCheck={false}
            placeholder="gpt-4o-mini"
            value={model}
            onChange={setModel}
          />
          <TextField
            label={t('newKey')}
            name="apiKey"
            error={save.error}
            hint={s.apiKey === 'set' ? t('newKeyHint') : t('newKeyHintNone')}
            type="password"
            autoComplete="new-password"
            spellCheck={false}
            disabled={clearKey}
            value={apiKey}
            onChange={setApiKey}
          />
          <TextField
            label={t('timeout')}
            name="timeoutSeconds"
            error={save.error}
            localError={timeoutError}
            hint={t('timeoutHint')}
            inputMode="numeric"
            autoComplete="off"
            value={timeout}
            onChange={setTimeoutText}
          />
        </div>
        {s.apiKey === 'set' && (
          <label className="check">
            <input
              type="checkbox"
              name="clearKey"
              checked={clearKey}
              onChange={(e) => {
                setClearKey(e.target.checked);
                if (e.target.checked) setApiKey('');
              }}
            />
            {t('clearKey')}
          </label>
        )}
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={busy}>
            {save.busy && !test.busy ? t('saving') : t('save')}
          </button>
          <button
            type="button"
            className="btn"
            disabled={busy}
            aria-describedby="ai-test-hint"
            onClick={() => void onTest()}
          >
            {test.busy ? t('testing') : t('test')}
          </button>
        </div>
        <p className="field-hint" id="ai-test-hint">
          {t('testHint')}
        </p>
      </form>
      {saved && !save.error && <Notice kind="success">{t('saved')}</Notice>}
      {result && <TestAnswer result={result} />}
    </section>
  );
}

/** The test's answer: the mode found, or what to fix with the server's own words beneath. */
function TestAnswer({ result }: { result: TestResult }) {
  const t = useT('ai');
  if (result.ok)
    return (
      <Notice kind="success">
        {t('testOk', {
          model: result.model,
          ms: count(result.ms),
          mode: t(`modes.${result.mode}`),
        })}
      </Notice>
    );
  return (
    <Notice kind="warning">
      <p>{t('testFailed', { reason: t(`reasons.${result.reason}`) })}</p>
      <p className="muted">{t('testDetail', { message: result.message })}</p>
    </Notice>
  );
}
