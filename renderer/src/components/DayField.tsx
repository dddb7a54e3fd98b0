// The day a screen shows (the day's sales, the day's close), picked in the browser's date box: no
// day after today, since nothing has been sold on it yet. Its errors are the core's `day`'s.
import { today } from '../format';
import { Field } from './Field';

export function DayField(props: {
  label: string;
  error: unknown;
  value: string;
  onChange(day: string): void;
}) {
  return (
    <Field label={props.label} name="day" error={props.error}>
      {(p) => (
        <input
          {...p}
          type="date"
          value={props.value}
          max={today()}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
