// The UI's words, through i18next. Every string lives in renderer/src/locales/<language>/<namespace>.json;
// a language is a folder of those files, found at build time, so adding one needs no code
// (renderer/src/i18n.test.ts fails when a key is missing in any language). Each screen asks for
// its namespace: `const t = useT('stock')`, then `t('count.title')` or `t('left', { n: 3 })`.
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';

type Strings = { [key: string]: string | Strings };

const files = import.meta.glob<Strings>('./locales/*/*.json', { eager: true, import: 'default' });

/** { en: { common: {...}, stock: {...} }, am: {...} } from the files' paths. */
const resources: Record<string, Record<string, Strings>> = {};
for (const [path, strings] of Object.entries(files)) {
  const m = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
  if (!m?.[1] || !m[2]) continue;
  (resources[m[1]] ??= {})[m[2]] = strings;
}

export const fallbackLanguage = 'en';

/** The languages the app speaks, each by its own name (common.json's `language.name`). */
export const languages: readonly { code: string; name: string; dir: 'ltr' | 'rtl' }[] = Object.keys(
  resources,
)
  .sort((a, b) => (a === fallbackLanguage ? -1 : b === fallbackLanguage ? 1 : a.localeCompare(b)))
  .map((code) => {
    const language = resources[code]?.common?.language;
    const own = typeof language === 'object' ? language : {};
    return {
      code,
      name: typeof own.name === 'string' ? own.name : code,
      dir: own.dir === 'rtl' ? 'rtl' : 'ltr',
    };
  });

const storageKey = 'fse.language';
const known = (code: string | null | undefined): code is string =>
  !!code && languages.some((l) => l.code === code);

function stored(): string | null {
  try {
    return globalThis.localStorage?.getItem(storageKey) ?? null;
  } catch {
    return null;
  }
}

function markDocument(code: string): void {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = code;
  document.documentElement.dir = languages.find((l) => l.code === code)?.dir ?? 'ltr';
}

/** This PC's language: the sign-in screen's, and everyone's who has not chosen their own. */
export const pcLanguage = (): string => {
  const code = stored();
  return known(code) ? code : fallbackLanguage;
};

const initial = pcLanguage();

void i18next.use(initReactI18next).init({
  resources,
  lng: initial,
  fallbackLng: fallbackLanguage,
  defaultNS: 'common',
  ns: Object.keys(resources[fallbackLanguage] ?? {}),
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});
markDocument(initial);

export const i18n = i18next;

/** The language the UI speaks now. */
export const currentLanguage = (): string => i18next.language || fallbackLanguage;

/**
 * Switches the UI's language at once (no reload). `remember`: keep it as this PC's choice, the
 * one the sign-in screen opens with.
 */
export function setLanguage(code: string, { remember = true } = {}): void {
  const next = known(code) ? code : fallbackLanguage;
  if (remember)
    try {
      globalThis.localStorage?.setItem(storageKey, next);
    } catch {
      // A browser without storage keeps the choice for this page only.
    }
  markDocument(next);
  void i18next.changeLanguage(next);
}

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** The words of one namespace, re-rendering the screen when the language changes. */
export function useT(namespace: string): Translate {
  const { t } = useTranslation(namespace);
  return (key, vars) => t(key, vars ?? {});
}

/** Outside React (a message built in a helper): the words of a namespace in the current language. */
export const tOf =
  (namespace: string): Translate =>
  (key, vars) =>
    i18next.t(key, { ns: namespace, ...(vars ?? {}) });
