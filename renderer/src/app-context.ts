// What every screen reaches for: the client, the person signed in, navigation, and a small
// query hook that keeps the last rows on screen while the next page loads.
import {
  createContext,
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type DependencyList,
} from 'react';
import type { Client } from './client';
import type { ScreenId } from './roles';
import type { SessionUser } from './session';

export const ClientContext = createContext<Client | null>(null);

export function useClient(): Client {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext.Provider>');
  return client;
}

export const UserContext = createContext<SessionUser | null>(null);

export function useUser(): SessionUser {
  const user = useContext(UserContext);
  if (!user) throw new Error('useUser outside a signed-in shell');
  return user;
}

/** `scan`: the code a scanner typed on another screen, which opened this one to take it. */
export type Route =
  { screen: ScreenId; scan?: string } | { screen: 'order'; orderId: string; back: ScreenId };

export interface Nav {
  route: Route;
  /** Opens a screen afresh (with the code a scan brought to it). */
  go(screen: ScreenId, scan?: string): void;
  openOrder(orderId: string): void;
  /** From an order back to the list it was opened from, as it was left. */
  back(): void;
  /** Grows each time the person comes back to a list, so it reads its rows again. */
  refresh: number;
}

export const NavContext = createContext<Nav | null>(null);

export function useNav(): Nav {
  const nav = useContext(NavContext);
  if (!nav) throw new Error('useNav outside the shell');
  return nav;
}

export interface QueryState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs `load` whenever `deps` change; an answer that arrives after a newer request is dropped. */
export function useQuery<T>(load: () => Promise<T>, deps: DependencyList): QueryState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const mine = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => {
        if (latest.current === mine) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (latest.current === mine) setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    // `load` is a fresh closure each render; the caller's deps say when it means something new.
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/**
 * Fills a form's boxes from what was loaded, each time it loads. Before the browser paints or
 * takes a key: with a plain effect the boxes would show empty for a moment, and what the clerk
 * typed in that moment would be overwritten by the loaded values.
 */
export function useSeed<T>(data: T | undefined, fill: (data: T) => void): void {
  useLayoutEffect(() => {
    if (data !== undefined) fill(data);
    // `fill` is a fresh closure each render; only new data means the boxes are filled again.
  }, [data]);
}

/**
 * Runs an action, keeping its error for the form and a busy flag for its buttons. When the core
 * refuses it, the keyboard goes to the first box it complained about, so the clerk can fix it.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  // Before the browser paints: the error shows with the keyboard already in its box, so a key
  // typed the moment it appears goes there, not into the box the clerk left.
  useLayoutEffect(() => {
    if (error) document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [error]);
  const run = async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await action();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
