// One labelled input with its error beside it. The error comes from the core, matched by the
// field's path in the input (`lines.0.quantity`), so the clerk sees it where they typed.
import { useId, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';
import { fieldMessage } from '../errors';
import { useT } from '../i18n';

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

/** A labelled text box (or password, number, …) holding a string: the common case of Field. */
export function TextField({
  label,
  name,
  error,
  hint,
  hideLabel,
  className,
  localError,
  inputClassName,
  value,
  onChange,
  ...input
}: Omit<FieldProps, 'children'> &
  Omit<
    InputHTMLAttributes<HTMLInputElement>,
    'value' | 'onChange' | 'id' | 'name' | 'className'
  > & {
    inputClassName?: string;
    value: string;
    onChange: (value: string) => void;
    /** The input itself, for a screen that moves the focus to it. */
    ref?: Ref<HTMLInputElement>;
  }) {
  return (
    <Field {...{ label, name, error, hint, hideLabel, className, localError }}>
      {(p) => (
        <input
          {...input}
          {...p}
          className={inputClassName}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** A list's search box, labelled with its key: the / key focuses it (it carries data-search). */
export function SearchField(props: {
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const t = useT('common');
  return (
    <TextField
      label={t('searchKey')}
      name="search"
      error={undefined}
      type="search"
      data-search
      placeholder={props.placeholder}
      value={props.value}
      onChange={props.onChange}
    />
  );
}

/** Only the message, for a field whose input is elsewhere (a table row, a whole list). */
export function FieldError({ error, name }: { error: unknown; name: string }) {
  useT('errors'); // says it again in the new language when the person switches
  const message = fieldMessage(error, name);
  if (!message) return null;
  return (
    <p className="field-error" role="alert" data-field={name}>
      {message}
    </p>
  );
}

/** A line's quantity box in a table: a whole number, its error from the core in the row. */
export function QuantityField(props: {
  label: string;
  name: string;
  error: unknown;
  value: string;
  onChange: (value: string) => void;
  autoFocus?: boolean;
  /** A check the screen makes before the core sees the line (a box left empty). */
  localError?: string | undefined;
}) {
  return <TextField {...props} hideLabel type="number" step={1} inputClassName="qty-input" />;
}

/** How a table names a line's goods: the SKU, and the item's name under it. */
export function ItemName({ sku, name }: { sku: string; name: string }) {
  return (
    <>
      <div className="sku">{sku}</div>
      <div className="muted small">{name}</div>
    </>
  );
}

/**
 * A labelled choice among `choices`; `none` names the empty choice (all, any, choose one) put
 * first, left out when every value must be one of the choices.
 */
export function SelectField({
  label,
  name,
  error,
  none,
  choices,
  value,
  onChange,
  ...rest
}: Omit<FieldProps, 'children'> & {
  none?: string;
  choices: readonly { value: string; label: string }[];
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} name={name} error={error} {...rest}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
          {none !== undefined && <option value="">{none}</option>}
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
