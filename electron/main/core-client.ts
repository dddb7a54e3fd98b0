// The main process's side of the core: it starts the utility process that hosts the core, sends
// it calls, matches the answers, and starts it again if it dies. It also holds the one thing the
// utility process cannot: Electron's safeStorage (the OS keychain), for the device token.
import type { SerializedError } from '../../core/errors';
import {
  fromCoreSchema,
  type CallResult,
  type SealOp,
  type SealReply,
  type ToCore,
} from '../host/protocol';

/** The parts of Electron's UtilityProcess used here. */
export interface UtilityProcessLike {
  postMessage(message: ToCore): void;
  kill(): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

/** Electron's safeStorage, or a fake in tests. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
  /** Linux only: `basic_text` means no keyring, and a fixed, public key. */
  getSelectedStorageBackend?(): string;
}

export interface CoreClientOptions {
  fork(): UtilityProcessLike;
  safeStorage: SafeStorageLike;
  log?: (entry: Record<string, unknown>) => void;
  /** Told when the core could not open its data (a database from a newer app, say). */
  onStartupFailure?: (error: SerializedError) => void;
  restartDelayMs?: number;
  /** More crashes than this within crashWindowMs and the client stops restarting. */
  maxCrashes?: number;
  crashWindowMs?: number;
  now?: () => number;
}

interface Pending {
  message: ToCore & { id: number };
  resolve: (answer: CallResult) => void;
  sent: boolean;
}

const failure = (message: string): CallResult => ({
  ok: false,
  error: { code: 'INTERNAL', message },
});

const NO_KEYCHAIN =
  "This PC's secure storage for secrets is not available (on Windows: the user's data protection; " +
  'on Linux: a keyring such as GNOME Keyring or KWallet), so the device token cannot be kept encrypted, ' +
  'and it is never kept in plain text.';
const BASIC_TEXT_KEYCHAIN =
  'No keyring (GNOME Keyring or KWallet) is running on this Linux PC, so the device token could only be ' +
  'hidden with a key every copy of the app knows; it is never kept that way.';
const keychainAdvice: Record<SealOp, string> = {
  check: 'Start the keyring (or sign in to Windows normally), then set up sync again.',
  encrypt:
    'The token was not stored. Start the keyring (or sign in to Windows normally), then set up sync again.',
  decrypt: 'The stored token cannot be read now; sync stays off until the keyring is available.',
};

export class CoreClient {
  private child: UtilityProcessLike | null = null;
  private state: 'idle' | 'running' | 'restarting' | 'broken' | 'closing' | 'closed' = 'idle';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private crashes: number[] = [];
  private restartTimer: NodeJS.Timeout | null = null;
  private onExit: (() => void) | null = null;
  private readonly log: (entry: Record<string, unknown>) => void;

  constructor(private readonly options: CoreClientOptions) {
    this.log = options.log ?? (() => undefined);
  }

  start(): void {
    if (this.state === 'idle') this.spawn();
  }

  /** Runs an operation (already checked by the IPC handler); always answers, never rejects. */
  call(name: string, input: unknown, sessionToken?: string): Promise<CallResult> {
    return this.send((id) => ({
      type: 'call',
      id,
      name,
      input,
      ...(sessionToken !== undefined && { sessionToken }),
    }));
  }

  /** "Sync now" from the menu: the same sync the background timer runs. */
  syncNow(): Promise<CallResult> {
    return this.send((id) => ({ type: 'sync', id }));
  }

  /** Asks the core to close its database, and stops it if it does not within the time. */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.state = 'closing';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.failAll(() => 'The app is closing.');
    const child = this.child;
    if (!child) {
      this.state = 'closed';
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((done) => {
      this.onExit = done;
      timer = setTimeout(() => {
        this.log({ level: 'warn', msg: 'the core did not stop in time; stopping it' });
        child.kill();
        done();
      }, timeoutMs);
      child.postMessage({ type: 'shutdown' });
    });
    clearTimeout(timer);
    this.child = null;
    this.state = 'closed';
  }

  private send(make: (id: number) => ToCore & { id: number }): Promise<CallResult> {
    if (this.state === 'closing' || this.state === 'closed')
      return Promise.resolve(failure('The app is closing.'));
    if (this.state === 'broken') return Promise.resolve(failure(this.brokenMessage()));
    const message = make(this.nextId++);
    return new Promise((resolve) => {
      const entry: Pending = { message, resolve, sent: false };
      this.pending.set(message.id, entry);
      if (this.child && this.state === 'running') {
        this.child.postMessage(message);
        entry.sent = true;
      }
    });
  }

  private spawn(): void {
    let child: UtilityProcessLike;
    try {
      child = this.options.fork();
    } catch (error) {
      // Counted as a crash: retried after the delay, given up on after too many.
      this.log({ level: 'error', msg: 'the core could not be started', error: String(error) });
      this.crashed(-1);
      return;
    }
    this.child = child;
    this.state = 'running';
    child.on('message', (message) => this.receive(child, message));
    child.on('exit', (code) => this.exited(child, code));
    for (const entry of this.pending.values())
      if (!entry.sent) {
        child.postMessage(entry.message);
        entry.sent = true;
      }
  }

  private receive(child: UtilityProcessLike, raw: unknown): void {
    if (child !== this.child) return;
    const parsed = fromCoreSchema.safeParse(raw);
    if (!parsed.success) {
      this.log({
        level: 'error',
        msg: 'dropped a malformed message from the core',
        issues: parsed.error.issues.length,
      });
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        this.log({ level: 'info', msg: 'core ready' });
        return;
      case 'failed':
        this.log({ level: 'error', msg: 'the core could not open its data', error: message.error });
        this.options.onStartupFailure?.(message.error);
        return;
      case 'log':
        this.log(message.entry);
        return;
      case 'seal':
        child.postMessage({
          type: 'seal.reply',
          id: message.id,
          reply: this.seal(message.op, message.value),
        });
        return;
      case 'result': {
        const entry = this.pending.get(message.id);
        if (!entry) return;
        this.pending.delete(message.id);
        entry.resolve(message.answer);
      }
    }
  }

  /** The keychain, for the core. Refuses rather than ever storing the token in plain text. */
  private seal(op: SealOp, value: string): SealReply {
    const storage = this.options.safeStorage;
    const problem = !storage.isEncryptionAvailable()
      ? NO_KEYCHAIN
      : storage.getSelectedStorageBackend?.() === 'basic_text'
        ? BASIC_TEXT_KEYCHAIN
        : null;
    if (problem) {
      this.log({ level: 'warn', msg: 'refused to seal the device token', op, reason: problem });
      return { ok: false, message: `${problem} ${keychainAdvice[op]}` };
    }
    try {
      if (op === 'check') return { ok: true, value: '' };
      if (op === 'encrypt')
        return { ok: true, value: storage.encryptString(value).toString('base64') };
      return { ok: true, value: storage.decryptString(Buffer.from(value, 'base64')) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log({ level: 'error', msg: 'the keychain failed', op, error: reason });
      return {
        ok: false,
        message: `The keychain could not ${op} the device token (${reason}). ${keychainAdvice[op]}`,
      };
    }
  }

  private exited(child: UtilityProcessLike, code: number): void {
    if (child !== this.child) return;
    this.child = null;
    if (this.state === 'closing') {
      this.onExit?.();
      return;
    }
    this.log({ level: 'error', msg: 'the core stopped unexpectedly', code });
    this.crashed(code);
  }

  private crashed(code: number): void {
    const now = (this.options.now ?? Date.now)();
    const window = this.options.crashWindowMs ?? 60_000;
    this.crashes = [...this.crashes.filter((t) => now - t < window), now];
    const giveUp = this.crashes.length > (this.options.maxCrashes ?? 5);
    // A call that was sent may or may not have been saved before the crash: say so.
    for (const [id, entry] of this.pending)
      if (entry.sent) {
        this.pending.delete(id);
        entry.resolve(
          failure(
            `The app's data service stopped unexpectedly (exit code ${code}) before it answered. ` +
              (giveUp ? '' : 'It is starting again; ') +
              'check whether your last change was saved before you try it again.',
          ),
        );
      }
    if (giveUp) {
      this.state = 'broken';
      this.log({ level: 'error', msg: 'the core keeps stopping; not restarting it again' });
      this.failAll(() => this.brokenMessage());
      return;
    }
    this.state = 'restarting';
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.state === 'restarting') this.spawn();
    }, this.options.restartDelayMs ?? 500);
  }

  private failAll(message: () => string): void {
    for (const entry of this.pending.values()) entry.resolve(failure(message()));
    this.pending.clear();
  }

  private brokenMessage(): string {
    return "The app's data service keeps stopping. Close the app and open it again; if it happens again, tell your admin.";
  }
}
