import type { z } from 'zod';
import type { SerializedCode } from '../errors';
import type { ReaderSpec } from './page-reader';
import type { EnrollResponse, PullResponse, PushRequest, PushResponse } from './protocol';
import type { enrollRequest } from './protocol';

/** How a branch reaches head office. HTTP in the app; tests may add faults around it. */
export interface SyncTransport {
  push(request: PushRequest): Promise<PushResponse>;
  pull(after: number, limit: number): Promise<PullResponse>;
  hasFile(hash: string): Promise<boolean>;
  putFile(hash: string, bytes: Buffer): Promise<void>;
  getFile(hash: string): Promise<Buffer>;
  /**
   * How a worker thread may pull pages as this PC, for reading a long catch-up ahead
   * (./page-reader.ts); null or absent when it cannot (a transport of a test's own).
   */
  readAhead?(): ReaderSpec | null;
}

export interface EnrollTransport {
  enroll(request: z.input<typeof enrollRequest>): Promise<EnrollResponse>;
}

/** The server could not be reached or answered with an error; work goes on offline. */
export class SyncUnavailable extends Error {
  override readonly name = 'SyncUnavailable';
  constructor(
    message: string,
    readonly status?: number,
    /** Head office's code, or this PC's own (a certificate not pinned); none if it gave none. */
    readonly code?: SerializedCode,
  ) {
    super(message);
  }
}
