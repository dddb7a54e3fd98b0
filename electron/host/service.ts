// The utility process's side: opens the core (DesktopHost) and answers the main process's
// messages. Plain code over a port-like object, so tests run it in-process.
import { answerCall } from '../../core/contract/http';
import { BugError, DomainError, serializeError, type SerializedError } from '../../core/errors';
import type { TokenStore } from './token-store';
import { KeychainTokenStore, type Sealer } from './keychain-token-store';
import {
  toCoreSchema,
  type CallResult,
  type FromCore,
  type SealOp,
  type SealReply,
} from './protocol';

/** Electron's `process.parentPort`, or a stand-in. */
export interface ParentPortLike {
  postMessage(message: FromCore): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/** What the service needs of DesktopHost. */
export interface CoreHost {
  call(name: string, input: unknown, sessionToken?: string): unknown;
  syncNow(): Promise<unknown>;
  start(): void;
  close(): void;
}

export interface ServeCoreOptions {
  port: ParentPortLike;
  dataDir: string;
  openHost(tokens: TokenStore): CoreHost;
  /** Called once the core has closed after a shutdown message. */
  exit(code: number): void;
}

class PortSealer implements Sealer {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (v: string) => void; reject: (e: Error) => void }
  >();
  constructor(private readonly post: (message: FromCore) => void) {}

  request(op: SealOp, value: string): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post({ type: 'seal', id, op, value });
    });
  }

  settle(id: number, reply: SealReply): void {
    const waiter = this.waiting.get(id);
    if (!waiter) return;
    this.waiting.delete(id);
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(new DomainError('INVALID_STATE', reply.message));
  }
}

export function serveCore(options: ServeCoreOptions): { ready: Promise<CoreHost | null> } {
  const post = (message: FromCore) => options.port.postMessage(message);
  const log = (entry: Record<string, unknown>) => post({ type: 'log', entry });
  const logBug = (error: unknown) =>
    log({
      level: 'error',
      msg: 'operation failed',
      error: error instanceof Error ? error.stack : String(error),
    });
  const sealer = new PortSealer(post);
  let startupError: SerializedError | null = null;

  const ready = (async (): Promise<CoreHost | null> => {
    try {
      const tokens = await KeychainTokenStore.open(options.dataDir, sealer, log);
      const host = options.openHost(tokens);
      host.start();
      post({ type: 'ready' });
      return host;
    } catch (error) {
      if (!(error instanceof DomainError) || error instanceof BugError) logBug(error);
      startupError = serializeError(error);
      if (startupError.code === 'INTERNAL')
        startupError.message = `The app's data could not be opened: ${error instanceof Error ? error.message : String(error)}`;
      post({ type: 'failed', error: startupError });
      return null;
    }
  })();

  const answer = async (run: (host: CoreHost) => unknown, name: string): Promise<CallResult> => {
    const host = await ready;
    if (!host) return { ok: false, error: startupError ?? serializeError(new BugError('no host')) };
    return (await answerCall(() => run(host), name, undefined, undefined, logBug)).body;
  };

  const reply = (id: number, result: CallResult) => {
    try {
      post({ type: 'result', id, answer: result });
    } catch (error) {
      // A result the port cannot copy is a bug in an operation; the caller still gets an answer.
      logBug(error);
      post({ type: 'result', id, answer: { ok: false, error: serializeError(error) } });
    }
  };

  options.port.on('message', (event) => {
    const parsed = toCoreSchema.safeParse(event.data);
    if (!parsed.success) {
      log({ level: 'error', msg: 'dropped a malformed message from the main process' });
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'seal.reply':
        sealer.settle(message.id, message.reply);
        return;
      case 'call':
        void answer(
          (host) => host.call(message.name, message.input, message.sessionToken),
          message.name,
        ).then((result) => reply(message.id, result));
        return;
      case 'sync':
        void answer((host) => host.syncNow(), 'sync.now').then((result) =>
          reply(message.id, result),
        );
        return;
      case 'shutdown':
        void ready.then((host) => host?.close()).finally(() => options.exit(0));
    }
  });
  return { ready };
}
