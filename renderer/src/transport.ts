// The one way the UI reaches the core: a Client typed from the contract, carried over Electron
// IPC when the preload exposes window.api, or over HTTP in web mode. Answers come from outside
// the page, so their envelope is checked here before anything else looks at them.
import { serializedCodes } from '../../core/errors';
import type { Client, InputOf, OperationName, OutputOf, SerializedError } from './client';

/** An error answered by the core (or the transport), with the core's words for people. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    readonly error: SerializedError,
    readonly operation: string,
  ) {
    super(error.message);
  }
  get code(): SerializedError['code'] {
    return this.error.code;
  }
}

export type Answer = { ok: true; result: unknown } | { ok: false; error: SerializedError };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const notAnswering: SerializedError = {
  code: 'INTERNAL',
  message:
    "The app's background service is not answering. Wait a moment and try again; if it keeps happening, restart the app.",
};

function parseError(raw: unknown): SerializedError {
  if (!isRecord(raw)) return notAnswering;
  const code = serializedCodes.find((c) => c === raw['code']) ?? 'INTERNAL';
  const message = typeof raw['message'] === 'string' ? raw['message'] : notAnswering.message;
  const issues = Array.isArray(raw['issues'])
    ? raw['issues'].flatMap((i: unknown) =>
        isRecord(i) && typeof i['field'] === 'string' && typeof i['message'] === 'string'
          ? [{ field: i['field'], message: i['message'] }]
          : [],
      )
    : undefined;
  const field = typeof raw['field'] === 'string' ? raw['field'] : undefined;
  const details = isRecord(raw['details']) ? raw['details'] : undefined;
  return {
    code,
    message,
    ...(field !== undefined && { field }),
    ...(issues !== undefined && { issues }),
    ...(details !== undefined && { details }),
  };
}

/** Checks the `{ ok, result | error }` envelope both transports answer with. */
export function parseAnswer(raw: unknown): Answer {
  if (isRecord(raw) && raw['ok'] === true) return { ok: true, result: raw['result'] };
  if (isRecord(raw) && raw['ok'] === false) return { ok: false, error: parseError(raw['error']) };
  return { ok: false, error: notAnswering };
}

/** Carries one call to the core and brings back its raw answer. */
export type Carrier = (name: string, input: unknown, sessionToken?: string) => Promise<unknown>;

export const ipcCarrier =
  (api: NonNullable<Window['api']>): Carrier =>
  async (name, input, sessionToken) => {
    try {
      return await api.call(name, input, sessionToken);
    } catch {
      return { ok: false, error: notAnswering };
    }
  };

/** Head office serves this same UI as its admin console under /console/: no run secret there. */
export const CONSOLE = 'head-office-console';

/** The console's words when head office does not answer: it is a server, not this app's service. */
const serverNotAnswering: SerializedError = {
  code: 'UNAVAILABLE',
  message:
    'Head office is not answering. Check that its server is running (its log says why it stopped) and that this PC can reach it, then try again.',
};

export function httpCarrier(secret: string | null, fetcher: typeof fetch = fetch): Carrier {
  return async (name, input, sessionToken) => {
    if (!secret)
      return {
        ok: false,
        error: {
          code: 'FORBIDDEN',
          message:
            'Open the app from the address it printed when it started: that address carries its key.',
        },
      };
    const silent = secret === CONSOLE ? serverNotAnswering : notAnswering;
    let response: Response;
    try {
      response = await fetcher(`/api/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret !== CONSOLE && { 'x-fse-secret': secret }),
          ...(sessionToken && { authorization: `Bearer ${sessionToken}` }),
        },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      return { ok: false, error: silent };
    }
    try {
      const body: unknown = await response.json();
      return body;
    } catch {
      return { ok: false, error: silent };
    }
  };
}

const SECRET_KEY = 'fse.webSecret';

/**
 * Web mode's per-run secret arrives once in the address (`#secret=…`); it is kept for this tab
 * only and taken out of the address so it is not bookmarked, shared or shown.
 */
export function takeSecret(
  location: Pick<Location, 'hash' | 'pathname' | 'search'> = window.location,
  storage: Pick<Storage, 'getItem' | 'setItem'> = window.sessionStorage,
  history: Pick<History, 'replaceState' | 'state'> = window.history,
): string | null {
  const match = /(?:^#|&)secret=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    const secret = decodeURIComponent(match[1]);
    storage.setItem(SECRET_KEY, secret);
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    return secret;
  }
  return storage.getItem(SECRET_KEY);
}

export interface TransportOptions {
  carrier: Carrier;
  /** The session token to send, if someone is signed in. */
  token: () => string | null;
  /** The core said the session is gone (expired, signed out elsewhere, account disabled). */
  onSessionLost: (error: ContractError) => void;
}

const sessionLost: readonly SerializedError['code'][] = [
  'SESSION_EXPIRED',
  'UNAUTHENTICATED',
  'ACCOUNT_DISABLED',
];

export function createClient(options: TransportOptions): Client {
  return {
    call: async <N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> => {
      const token = options.token() ?? undefined;
      const answer = parseAnswer(await options.carrier(name, input, token));
      // The result's shape is the contract's OutputOf<N>: the core built it from its own types.
      if (answer.ok) return answer.result as OutputOf<N>;
      const error = new ContractError(answer.error, name);
      if (token && sessionLost.includes(error.code)) options.onSessionLost(error);
      throw error;
    },
  };
}

/** IPC inside the desktop app; HTTP with the run's secret in web mode. */
export function defaultCarrier(): { carrier: Carrier; mode: 'ipc' | 'web' } {
  return window.api
    ? { carrier: ipcCarrier(window.api), mode: 'ipc' }
    : {
        // Head office serves the console and the customers' portal without a run secret.
        carrier: httpCarrier(
          /^\/(console|portal)\//.test(window.location.pathname) ? CONSOLE : takeSecret(),
        ),
        mode: 'web',
      };
}
