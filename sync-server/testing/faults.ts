// A sync transport with faults on demand, for the model tests: requests that never arrive,
// answers that are lost after the server acted, requests sent twice, and old requests replayed
// late (out of order).
import type { PullResponse, PushRequest, PushResponse } from '../../core/sync/protocol';
import { SyncUnavailable, type SyncTransport } from '../../core/sync/transport';

export type Fault = 'none' | 'dropRequest' | 'dropResponse' | 'duplicate' | 'replay';

export class FaultyTransport implements SyncTransport {
  fault: Fault = 'none';
  private readonly sent: PushRequest[] = [];

  constructor(private readonly target: () => SyncTransport) {}

  private async around<T>(send: () => Promise<T>, replay?: () => Promise<unknown>): Promise<T> {
    switch (this.fault) {
      case 'dropRequest':
        throw new SyncUnavailable('fault: the request was lost on the way');
      case 'dropResponse':
        await send();
        throw new SyncUnavailable('fault: the answer was lost on the way back');
      case 'duplicate':
        await send();
        return send();
      case 'replay':
        if (replay) await replay();
        return send();
      default:
        return send();
    }
  }

  push(request: PushRequest): Promise<PushResponse> {
    const old = this.sent[Math.floor(this.sent.length / 2)];
    this.sent.push(request);
    return this.around(
      () => this.target().push(request),
      old ? () => this.target().push(old) : undefined,
    );
  }

  pull(after: number, limit: number): Promise<PullResponse> {
    return this.around(() => this.target().pull(after, limit));
  }

  hasFile(hash: string) {
    return this.around(() => this.target().hasFile(hash));
  }

  putFile(hash: string, bytes: Buffer) {
    return this.around(() => this.target().putFile(hash, bytes));
  }

  getFile(hash: string) {
    return this.around(() => this.target().getFile(hash));
  }
}
