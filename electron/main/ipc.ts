// The one IPC channel. Before anything reaches the core: the message must come from the main
// frame of the app's own window showing the app's own page, name an operation of the contract,
// and carry an input that operation's own zod schema accepts. Answers have the same shape as
// over HTTP, so the renderer's client reads both alike.
import { z } from 'zod';
import { operations } from '../../core/contract/api';
import { parseInput } from '../../core/contract/execute';
import type { Operation } from '../../core/contract/define';
import type { CallAnswer } from '../../core/contract/http';
import { DomainError, serializeError } from '../../core/errors';

export const CALL_CHANNEL = 'fse:call';

/** `{ ok: true, result }` or `{ ok: false, error }`: the body of an HTTP answer, too. */
export type CallResult = CallAnswer['body'];

/** What the handler needs to know of Electron's WebFrameMain. */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

export interface IpcEventLike<F extends FrameLike = FrameLike> {
  readonly senderFrame: F | null;
}

export interface IpcHandlerOptions<F extends FrameLike> {
  /** True only for the main frame of the app's window, showing the app. */
  isAppFrame(frame: F): boolean;
  /** Runs an operation whose name and input have been checked. */
  forward(name: string, input: unknown, sessionToken: string | undefined): Promise<CallResult>;
  log?: (entry: Record<string, unknown>) => void;
}

const payloadSchema = z.object({
  name: z.string().max(100),
  input: z.unknown(),
  sessionToken: z.string().max(500).optional(),
});

const byName = new Map<string, Operation>(Object.entries(operations));

const failed = (error: unknown): CallResult => ({ ok: false, error: serializeError(error) });

export type IpcHandler<F extends FrameLike> = (
  event: IpcEventLike<F>,
  payload: unknown,
) => Promise<CallResult>;

export function createIpcHandler<F extends FrameLike>(
  options: IpcHandlerOptions<F>,
): IpcHandler<F> {
  const log = options.log ?? (() => undefined);
  return async (event, payload) => {
    let frame: F | null = null;
    try {
      frame = event.senderFrame;
    } catch {
      // Electron throws when the frame has gone (navigated or closed) since it sent this.
    }
    if (!frame || frame.parent !== null || !options.isAppFrame(frame)) {
      log({
        level: 'warn',
        msg: 'refused an IPC message from an unexpected frame',
        url: frame?.url ?? null,
      });
      return failed(new DomainError('FORBIDDEN', 'This page may not use the app.'));
    }
    const parsed = payloadSchema.safeParse(payload);
    if (!parsed.success) {
      log({ level: 'warn', msg: 'refused a malformed IPC message' });
      return failed(new DomainError('VALIDATION', 'The request is not a call of the app.'));
    }
    const { name, input, sessionToken } = parsed.data;
    const op = byName.get(name);
    if (!op)
      return failed(new DomainError('UNKNOWN_COMMAND', `There is no operation called "${name}".`));
    let checked: unknown;
    try {
      checked = parseInput(op.input, input);
    } catch (error) {
      return failed(error);
    }
    try {
      return await options.forward(name, checked, sessionToken);
    } catch (error) {
      log({
        level: 'error',
        msg: 'operation failed',
        op: name,
        error: error instanceof Error ? error.stack : String(error),
      });
      return failed(error);
    }
  };
}

export interface IpcMainLike<F extends FrameLike> {
  handle(channel: string, listener: IpcHandler<F>): void;
}

export function registerIpc<F extends FrameLike>(
  ipcMain: IpcMainLike<F>,
  handler: IpcHandler<F>,
): void {
  ipcMain.handle(CALL_CHANNEL, handler);
}
