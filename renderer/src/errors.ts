// Where an error from the core is shown: beside the input it is about (its `issues[].field` or
// `field`, a dotted path into the input such as `lines.0.quantity`), otherwise in a banner.
import type { SerializedError } from './client';
import { ContractError } from './transport';

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The core prefixes a field's message with its path ("code: nothing …"); beside the field it is noise. */
function withoutPath(message: string, field: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/** `lines.2.quantity` → "Line 3 quantity", `factoryId` → "Factory": a path in a clerk's words. */
export function humanField(path: string): string {
  const parts = path.split('.');
  const words = parts.flatMap((part, i) => {
    if (/^\d+$/.test(part)) return [String(Number(part) + 1)];
    const next = parts[i + 1];
    const word = part
      .replace(/Id$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    return [next !== undefined && /^\d+$/.test(next) ? word.replace(/s$/, '') : word];
  });
  return capitalize(words.join(' '));
}

/** The message for one field, or undefined when the error is not about it. */
export function fieldMessage(error: unknown, field: string): string | undefined {
  if (!(error instanceof ContractError)) return undefined;
  const { issues, field: mainField, message } = error.error;
  const found = issues?.filter((i) => i.field === field).map((i) => capitalize(i.message));
  if (found && found.length > 0) return found.join('; ');
  if (mainField === field && !issues?.length) return capitalize(withoutPath(message, field));
  return undefined;
}

/**
 * What is left for the banner once the fields a form shows have taken their messages.
 * `shown` lists the field paths the form has an input for.
 */
export function bannerMessage(error: unknown, shown: readonly string[] = []): string | undefined {
  if (!error) return undefined;
  if (!(error instanceof ContractError))
    return error instanceof Error ? error.message : String(error);
  const { issues, field, message } = error.error;
  if (issues && issues.length > 0) {
    const rest = issues.filter((i) => !shown.includes(i.field));
    if (rest.length === 0) return undefined;
    return rest
      .map((i) => (i.field ? `${humanField(i.field)}: ${i.message}` : capitalize(i.message)))
      .join('; ');
  }
  if (field !== undefined && shown.includes(field)) return undefined;
  return message;
}

export const isCode = (error: unknown, ...codes: SerializedError['code'][]): boolean =>
  error instanceof ContractError && codes.includes(error.code);
