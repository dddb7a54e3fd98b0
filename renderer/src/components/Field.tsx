// One labelled input with its error beside it. The error comes from the core, matched by the
// field's path in the input (`lines.0.quantity`), so the clerk sees it where they typed.
import { useId, type ReactNode } from 'react';
import { fieldMessage } from '../errors';

export interface InputProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

interface FieldProps {
  label: string;
  /** The input's path in the operation's input, as the core names it in errors. */
  name: string;
  error: unknown;
  hint?: string;
  hideLabel?: boolean;
  className?: string;
  /** Extra message shown like the core's (a check the UI makes itself, e.g. an amount's format). */
  localError?: string | undefined;
  children: (props: InputProps) => ReactNode;
}

export function Field(props: FieldProps) {
  const id = useId();
  const message = props.localError ?? fieldMessage(props.error, props.name);
  const described = [message ? `${id}-error` : '', props.hint ? `${id}-hint` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field ${props.className ?? ''}`} data-field={props.name}>
      <label htmlFor={id} className={props.hideLabel ? 'sr-only' : undefined}>
        {props.label}
      </label>
      {props.children({
        id,
        'aria-invalid': message !== undefined,
        'aria-describedby': described || undefined,
      })}
      {props.hint && !message && (
        <p className="field-hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {message && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {message}
        </p>
      )}
    </div>
  );
}

/** Only the message, for a field whose input is elsewhere (a table row, a whole list). */
export function FieldError({ error, name }: { error: unknown; name: string }) {
  const message = fieldMessage(error, name);
  if (!message) return null;
  return (
    <p className="field-error" role="alert" data-field={name}>
      {message}
    </p>
  );
}
