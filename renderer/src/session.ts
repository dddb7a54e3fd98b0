// Who is signed in: the session token in memory and in this tab's sessionStorage (so a reload
// keeps the clerk signed in, and closing the tab does not), and the person the core says it is.
// When the person is known, the company's currency and locale and the person's own language
// take effect before any screen renders.
import type { OutputOf } from './client';
import { setCompanyFormat } from './format';
import { pcLanguage, setLanguage } from './i18n';

export type SessionUser = OutputOf<'auth.me'>;

export interface SessionState {
  token: string | null;
  user: SessionUser | null;
  /** Why the person is back at the sign-in screen, in the core's words. */
  notice: string | null;
}

const TOKEN_KEY = 'fse.sessionToken';

/**
 * Each person's language, kept per person on this PC (decision 0025): it does not travel to
 * other PCs, since a person's record changes only at head office and only with their password.
 */
const languageKey = (userId: string) => `fse.language.${userId}`;

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const local = (): Store | null => {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
};

/** The language this person chose on this PC, if they chose one. */
export const personLanguage = (userId: string): string | null =>
  local()?.getItem(languageKey(userId)) ?? null;

/** The signed-in person chooses their language: the UI switches now and at their next sign-in. */
export function choosePersonLanguage(userId: string, code: string): void {
  local()?.setItem(languageKey(userId), code);
  setLanguage(code, { remember: false });
}

export interface SessionStore {
  get(): SessionState;
  subscribe(listener: () => void): () => void;
  /** A token the core issued; the user follows once auth.me has answered. */
  setToken(token: string): void;
  setUser(user: SessionUser): void;
  signOut(notice?: string | null): void;
}

export function createSessionStore(storage: Store = window.sessionStorage): SessionStore {
  let state: SessionState = { token: storage.getItem(TOKEN_KEY), user: null, notice: null };
  const listeners = new Set<() => void>();
  const set = (next: SessionState) => {
    state = next;
    for (const l of listeners) l();
  };
  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setToken(token) {
      storage.setItem(TOKEN_KEY, token);
      set({ token, user: null, notice: null });
    },
    setUser(user) {
      setCompanyFormat(user.company);
      const own = personLanguage(user.userId);
      if (own) setLanguage(own, { remember: false });
      set({ ...state, user, notice: null });
    },
    signOut(notice = null) {
      storage.removeItem(TOKEN_KEY);
      // The sign-in screen speaks the PC's language again, not the last person's.
      setLanguage(pcLanguage(), { remember: false });
      set({ token: null, user: null, notice });
    },
  };
}
