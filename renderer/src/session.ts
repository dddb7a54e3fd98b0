// Who is signed in: the session token in memory and in this tab's sessionStorage (so a reload
// keeps the clerk signed in, and closing the tab does not), and the person the core says it is.
import type { OutputOf } from './client';

export type SessionUser = OutputOf<'auth.me'>;

export interface SessionState {
  token: string | null;
  user: SessionUser | null;
  /** Why the person is back at the sign-in screen, in the core's words. */
  notice: string | null;
}

const TOKEN_KEY = 'fse.sessionToken';

export interface SessionStore {
  get(): SessionState;
  subscribe(listener: () => void): () => void;
  /** A token the core issued; the user follows once auth.me has answered. */
  setToken(token: string): void;
  setUser(user: SessionUser): void;
  signOut(notice?: string | null): void;
}

export function createSessionStore(
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = window.sessionStorage,
): SessionStore {
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
      set({ ...state, user, notice: null });
    },
    signOut(notice = null) {
      storage.removeItem(TOKEN_KEY);
      set({ token: null, user: null, notice });
    },
  };
}
