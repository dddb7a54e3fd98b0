// Head office's certificate, replaced (docs/decisions/0014). On a branch PC: the certificates it
// accepts, and where the clerk types the re-pin code the admin reads out after a switch this PC
// missed. At head office: the button that makes that code for one PC.
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { useAction, useClient } from '../../app-context';
import { useT } from '../../i18n';
import { ErrorBanner, Notice } from '../../components/Banner';
import { Field } from '../../components/Field';
import type { OutputOf } from '../../client';

type Status = NonNullable<OutputOf<'sync.status'>>;

/**
 * A fingerprint is 95 characters with no place a browser would break it: in the facts' grid it
 * set the column's least width, and in a banner it ran past the border, so the screen scrolled
 * sideways at 1024×768. Set on a panel, it lets such a word break anywhere (it is inherited).
 */
export const breakAnywhere: CSSProperties = { overflowWrap: 'anywhere' };

/**
 * `refused`: sync just stopped on a certificate this PC does not trust (CERTIFICATE_CHANGED), so
 * the re-pin code is what the person needs next: the box takes the focus.
 */
export function RepinThisPc({
  status,
  refused = false,
  onDone,
}: {
  status: Status;
  refused?: boolean;
  onDone(): void;
}) {
  const t = useT('ops');
  const client = useClient();
  const repin = useAction();
  const [code, setCode] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (refused) box.current?.focus();
  }, [refused]);
  if (status.headOffice || !status.serverFingerprint) return null;
  return (
    <section className="panel" style={breakAnywhere}>
      <h2>{t('repin.title')}</h2>
      <dl className="facts">
        <dt>{t('repin.trusted')}</dt>
        <dd className="mono">{status.serverFingerprint}</dd>
        {status.nextServerFingerprint && (
          <>
            <dt>{t('repin.next')}</dt>
            <dd className="mono">{status.nextServerFingerprint}</dd>
          </>
        )}
      </dl>
      <p className="hint">{t('repin.hint')}</p>
      <form
        className="form-row"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setDone(null); // a notice of the last code must not stand beside this one's answer
          void repin
            .run(() => client.call('sync.repin', { code }))
            .then((r) => {
              if (!r) return;
              setDone(r.fingerprint);
              setCode('');
              onDone();
            });
        }}
      >
        <Field label={t('repin.code')} name="code" error={repin.error}>
          {(p) => (
            <input
              {...p}
              ref={box}
              className="mono"
              // Wide enough to show a whole code (24 characters with its dashes) as it is typed.
              size={26}
              autoComplete="off"
              placeholder="AB12-CDEF-GHJK-MNPQ-RSTV"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="btn" disabled={repin.busy || code.trim() === ''}>
          {repin.busy ? t('repin.checking') : t('repin.trust')}
        </button>
      </form>
      <ErrorBanner error={repin.error} shown={['code']} />
      {done && <Notice kind="success">{t('repin.done', { fingerprint: done })}</Notice>}
    </section>
  );
}

/** At head office: a one-time code binding one PC to the certificate this server presents now. */
export function RepinCodeButton({ deviceId }: { deviceId: string }) {
  const t = useT('ops');
  const client = useClient();
  const make = useAction();
  const [made, setMade] = useState<OutputOf<'devices.repinCode'> | null>(null);
  return (
    <>
      <button
        type="button"
        className="btn small"
        disabled={make.busy}
        onClick={() =>
          void make
            .run(() => client.call('devices.repinCode', { deviceId }))
            .then((r) => {
              if (r) setMade(r);
            })
        }
      >
        {t('repin.code')}
      </button>
      <ErrorBanner error={make.error} />
      {made && (
        <span
          role="note"
          className="mono"
          title={t('repin.for', { fingerprint: made.fingerprint })}
        >
          {' '}
          {made.code}
        </span>
      )}
    </>
  );
}
