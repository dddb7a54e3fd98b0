// Where an error from the core is shown, and in which words. Beside the input it is about (its
// `issues[].field` or `field`, a dotted path into the input such as `lines.0.quantity`), otherwise
// in a banner. The core writes English, for logs, the HTTP API and Telegram; a person reading
// another language gets the error's stable code and each issue's rule in their own words
// (locales/<language>/errors.json), with the core's English kept as the detail where it says
// more than the rule does (a value's expected form, a rule of the field's own, which stock ran out).
import { isSerializedCode, type FieldIssue, type SerializedError } from '../../core/errors';
import { currentLanguage, fallbackLanguage, i18n, tOf } from './i18n';
import { ContractError } from './transport';

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const t = tOf('errors');
const has = (key: string): boolean => i18n.exists(key, { ns: 'errors' });
const inEnglish = (): boolean => currentLanguage() === fallbackLanguage;

/** The core prefixes a field's message with its path ("code: nothing …"); beside the field it is noise. */
function withoutPath(message: string, field: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/** The words for one key of an input, or the key split into words when there are none. */
function fieldWord(key: string): string {
  if (has(`fields.${key}`)) return t(`fields.${key}`);
  return capitalize(
    key
      .replace(/Id$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase(),
  );
}

/**
 * `lines.2.quantity` → "Line 3 › Quantity", `factoryId` → "Factory": a path in the person's
 * words. A list's entry is named by `items.<list>` with its number counted from 1.
 */
export function humanField(path: string): string {
  const parts = path.split('.');
  const words: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const next = parts[i + 1];
    if (next !== undefined && /^\d+$/.test(next)) {
      const n = Number(next) + 1;
      words.push(has(`items.${part}`) ? t(`items.${part}`, { n }) : `${fieldWord(part)} ${n}`);
      i++;
    } else if (/^\d+$/.test(part)) words.push(String(Number(part) + 1));
    else words.push(fieldWord(part));
  }
  return words.join(' › ');
}

const withDetail = (text: string, detail: string): string =>
  `${text} ${t('detail', { detail: capitalize(detail) })}`;

/**
 * One issue of `error` in the person's words. English: the core's message, which names the rule
 * exactly. Otherwise the rule's words with its limit (a value's form or a rule of its own adds the
 * English); an issue of a domain error (a price below cost) says its error's code.
 */
function issueText(issue: FieldIssue, error: SerializedError): string {
  if (inEnglish()) return issue.message;
  if (!issue.rule || !has(`rules.${issue.rule}`))
    return error.code === 'VALIDATION'
      ? withDetail(t('rules.other'), issue.message)
      : codeText(error, issue.message);
  const text = t(`rules.${issue.rule}`, {
    limit: issue.limit === undefined ? '' : issue.limit.toLocaleString(currentLanguage()),
  });
  return issue.rule === 'format' || issue.rule === 'other' ? withDetail(text, issue.message) : text;
}

/** An error that is not a list of issues, in the person's words: its code's sentence, then the core's detail. */
function codeText(error: SerializedError, message: string): string {
  if (inEnglish() || !isSerializedCode(error.code) || !has(`codes.${error.code}`)) return message;
  return withDetail(t(`codes.${error.code}`), message);
}

/** One problem a check reported outside an error (a row of a CSV file), in the person's words. */
export const problemWords = (problem: Omit<FieldIssue, 'field'>): string =>
  capitalize(
    issueText({ field: '', ...problem }, { code: 'VALIDATION', message: problem.message }),
  );

/** The message for one field, or undefined when the error is not about it. */
export function fieldMessage(error: unknown, field: string): string | undefined {
  if (!(error instanceof ContractError)) return undefined;
  const { issues, field: mainField, message } = error.error;
  const found = issues
    ?.filter((i) => i.field === field)
    .map((i) => capitalize(issueText(i, error.error)));
  if (found && found.length > 0) return found.join('; ');
  if (mainField === field && !issues?.length)
    return capitalize(codeText(error.error, withoutPath(message, field)));
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
      .map((i) =>
        i.field
          ? t('path', { field: humanField(i.field), message: issueText(i, error.error) })
          : capitalize(issueText(i, error.error)),
      )
      .join('; ');
  }
  if (field !== undefined && shown.includes(field)) return undefined;
  return codeText(error.error, message);
}

export const isCode = (error: unknown, ...codes: SerializedError['code'][]): boolean =>
  error instanceof ContractError && codes.includes(error.code);
