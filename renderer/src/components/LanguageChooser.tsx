// The language the UI speaks, chosen from the languages shipped (each named in its own words).
// On the sign-in screen it is the PC's choice; signed in, it is the person's own (session.ts).
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { languages, setLanguage, useT } from '../i18n';
import { choosePersonLanguage } from '../session';

export function LanguageChooser({ userId, compact }: { userId?: string; compact?: boolean }) {
  const t = useT('common');
  const { i18n } = useTranslation('common');
  const id = useId();
  if (languages.length < 2) return null;
  return (
    <span className={compact ? 'language compact' : 'field language'}>
      <label htmlFor={id} className={compact ? 'sr-only' : undefined}>
        {t('language.choose')}
      </label>
      <select
        id={id}
        value={i18n.language}
        onChange={(e) =>
          userId ? choosePersonLanguage(userId, e.target.value) : setLanguage(e.target.value)
        }
      >
        {languages.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </span>
  );
}
