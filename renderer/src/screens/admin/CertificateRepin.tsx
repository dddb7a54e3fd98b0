// Head office's certificate, replaced (docs/decisions/0014). On a branch PC: the certificates it
// accepts, and where the clerk types the re-pin code the admin reads out after a switch this PC
// missed. At head office: the button that makes that code for one PC.
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { useAction, useClient } from '../../app-context';
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
      <h2>Head office’s certificate</h2>
      <dl className="facts">
        <dt>Trusted</dt>
        <dd className="mono">{status.serverFingerprint}</dd>
        {status.nextServerFingerprint && (
          <>
            <dt>Announced next</dt>
            <dd className="mono">{status.nextServerFingerprint}</dd>
          </>
        )}
      </dl>
      <p className="hint">
        If head office replaced its certificate while this PC was offline, sync stops with “never
        announced it”. Ask the admin for a re-pin code for this PC (head-office console, Sync &
        devices) and type it here: it works once, and only for the certificate the admin installed.
      </p>
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
        <Field label="Re-pin code" name="code" error={repin.error}>
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
          {repin.busy ? 'Checking…' : 'Trust the new certificate'}
        </button>
      </form>
      <ErrorBanner error={repin.error} shown={['code']} />
      {done && (
        <Notice kind="success">
          This PC now trusts <span className="mono">{done}</span> and has synced.
        </Notice>
      )}
    </section>
  );
}

/** At head office: a one-time code binding one PC to the certificate this server presents now. */
export function RepinCodeButton({ deviceId }: { deviceId: string }) {
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
        Re-pin code
      </button>
      <ErrorBanner error={make.error} />
      {made && (
        <span role="note" className="mono" title={`For the certificate ${made.fingerprint}`}>
          {' '}
          {made.code}
        </span>
      )}
    </>
  );
}
