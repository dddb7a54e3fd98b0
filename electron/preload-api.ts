// What the preload puts on `window.api`, as types only: the renderer may import this file
// (`import type`), and nothing here pulls Electron or Node into the browser build.
import type { InputOf, OperationName, OutputOf } from '../core/contract/api';
import type { SerializedError } from '../core/errors';

/** The same shape as an HTTP answer's body in web mode. */
export type ApiAnswer<T> = { ok: true; result: T } | { ok: false; error: SerializedError };

export interface PreloadApi {
  /** Runs one operation of the contract; errors come back as `{ ok: false, error }`, never thrown. */
  call<N extends OperationName>(
    name: N,
    input: InputOf<N>,
    sessionToken?: string,
  ): Promise<ApiAnswer<OutputOf<N>>>;
  platform: {
    desktop: true;
    os: string;
    versions: { electron: string; chrome: string };
  };
}
