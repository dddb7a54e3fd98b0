// A signature drawn on screen with a finger, a pen or the mouse (pointer events), handed to the
// screen as a PNG in base64 when a stroke ends. Clear starts again; it and everything around the
// pad are reached with Tab. While `disabledReason` is set the pad takes no ink and says why, and
// what was drawn is wiped: a signature is for what the form said when it was drawn.
import { useEffect, useId, useRef, useState, type PointerEvent } from 'react';
import { fieldMessage } from '../errors';
import { hasSignature, pngBase64, toCanvas, type Point } from './signature';

const WIDTH = 600;
const HEIGHT = 200;

export interface SignaturePadProps {
  label: string;
  hint: string;
  clearLabel: string;
  /** Said when the pad is blank and enabled. */
  emptyText: string;
  /** Said when something was signed. */
  signedText: string;
  /** Why it cannot be signed yet, or null when it can. */
  disabledReason: string | null;
  onChange(pngBase64: string | null): void;
  /** The core's error for `name` shows under the pad. */
  name: string;
  error: unknown;
}

export function SignaturePad(props: SignaturePadProps) {
  const id = useId();
  const canvas = useRef<HTMLCanvasElement>(null);
  const strokes = useRef<Point[][]>([]);
  const drawing = useRef<Point[] | null>(null);
  const [signed, setSigned] = useState(false);
  const disabled = props.disabledReason !== null;
  const message = fieldMessage(props.error, props.name);

  const paper = () => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return null;
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111827';
    return ctx;
  };
  const clear = () => {
    const ctx = paper();
    if (ctx) {
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, WIDTH, HEIGHT);
    }
    strokes.current = [];
    drawing.current = null;
    setSigned(false);
    props.onChange(null);
  };
  useEffect(() => {
    clear();
    // Wiped when the pad opens and each time it is disabled again.
  }, [disabled]);

  const pointAt = (e: PointerEvent<HTMLCanvasElement>) =>
    toCanvas(e, e.currentTarget.getBoundingClientRect(), { width: WIDTH, height: HEIGHT });

  const down = (e: PointerEvent<HTMLCanvasElement>) => {
    if (disabled) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = pointAt(e);
    drawing.current = [p];
    const ctx = paper();
    ctx?.beginPath();
    ctx?.moveTo(p.x, p.y);
  };
  const move = (e: PointerEvent<HTMLCanvasElement>) => {
    const stroke = drawing.current;
    if (!stroke || disabled) return;
    const p = pointAt(e);
    stroke.push(p);
    const ctx = paper();
    ctx?.lineTo(p.x, p.y);
    ctx?.stroke();
  };
  const up = () => {
    const stroke = drawing.current;
    if (!stroke) return;
    drawing.current = null;
    strokes.current.push(stroke);
    const enough = hasSignature(strokes.current);
    const png = enough && canvas.current ? pngBase64(canvas.current.toDataURL('image/png')) : null;
    setSigned(png !== null);
    props.onChange(png);
  };

  const described = [`${id}-state`, message ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field signature-pad" data-field={props.name}>
      <p className="strong" id={`${id}-label`}>
        {props.label}
      </p>
      <p className="field-hint">{props.hint}</p>
      <canvas
        ref={canvas}
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-labelledby={`${id}-label`}
        aria-describedby={described}
        data-disabled={disabled}
        data-signature-pad
        data-signed={signed}
        style={{
          width: '100%',
          maxWidth: `${WIDTH}px`,
          height: 'auto',
          border: '2px solid #4b5563',
          borderRadius: '4px',
          background: '#ffffff',
          touchAction: 'none',
          cursor: disabled ? 'not-allowed' : 'crosshair',
          opacity: disabled ? 0.5 : 1,
          display: 'block',
        }}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
      />
      <p id={`${id}-state`} className={disabled ? 'banner banner-warning' : 'muted'} role="status">
        {props.disabledReason ?? (signed ? props.signedText : props.emptyText)}
      </p>
      {message && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {message}
        </p>
      )}
      <div className="row">
        <button type="button" className="btn" onClick={clear} disabled={disabled || !signed}>
          {props.clearLabel}
        </button>
      </div>
    </div>
  );
}
