import { describe, expect, it } from 'vitest';
import { nextTryWords, problemWords, progressWords } from './sync-words';

describe('sync in a clerk’s words', () => {
  it('names the step of a round and how far it is', () => {
    expect(progressWords({ phase: 'push', done: 200, left: 800, percent: 20 })).toBe(
      'sending 200 of 1,000',
    );
    expect(progressWords({ phase: 'pull', done: 1200, left: 3800, percent: 24 })).toBe(
      'receiving 1,200 of 5,000',
    );
    expect(progressWords({ phase: 'files', done: 1, left: 2, percent: 33 })).toBe('files 1 of 3');
    expect(progressWords(null)).toBe('starting');
  });

  it('says what a failure means by its code, keeping head office’s own message beside it', () => {
    const message =
      'The head-office server at https://ho:8443 could not be reached (ECONNREFUSED).';
    expect(problemWords({ lastError: message, lastErrorCode: 'UNAVAILABLE' })).toEqual({
      short: 'head office cannot be reached',
      long: 'Head office cannot be reached. Work goes on here; it is sent as soon as the connection is back.',
      detail: message,
    });
    expect(problemWords({ lastError: 'revoked', lastErrorCode: 'DEVICE_REVOKED' })?.long).toMatch(
      /Ask the admin for a new enrollment code/,
    );
    // A code with no words of its own (or none at all): the message as it came.
    expect(problemWords({ lastError: 'disk full', lastErrorCode: 'INTERNAL' })).toEqual({
      short: 'sync failed',
      long: 'Sync failed: disk full',
    });
    expect(problemWords({ lastError: 'odd', lastErrorCode: undefined })?.long).toBe(
      'Sync failed: odd',
    );
    expect(problemWords({ lastError: null, lastErrorCode: null })).toBeNull();
  });

  it('counts down to the next try', () => {
    expect(nextTryWords(10_400, 1_000)).toBe('next try in 10 s');
    expect(nextTryWords(900, 1_000)).toBe('trying again');
    expect(nextTryWords(null)).toBeNull();
  });
});
