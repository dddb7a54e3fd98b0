import { describe, expect, it } from 'vitest';
import { readConfig } from '../main';
import { resolveTelegramConfig } from './config';
import { maskToken } from './service';
import { sameSecret } from './webhook';

describe('Telegram settings from the command line and environment', () => {
  it('reads the token and public address from flags, else from the environment', () => {
    const token = '123456789:AAHfromTheCommandLine_xxxxxxxxxxxx';
    expect(
      readConfig(['--telegram-token', token, '--public-url', 'https://erp.example.com'], {})
        .telegram,
    ).toEqual({ token, publicUrl: 'https://erp.example.com' });
    expect(
      readConfig([], {
        TELEGRAM_BOT_TOKEN: token,
        PUBLIC_URL: 'https://b.example.com',
        TELEGRAM_API_URL: 'http://127.0.0.1:8081',
      }).telegram,
    ).toEqual({ token, publicUrl: 'https://b.example.com', apiUrl: 'http://127.0.0.1:8081' });
    expect(readConfig([], {}).telegram).toEqual({ token: null, publicUrl: null });
    expect(resolveTelegramConfig({}).apiUrl).toBe('https://api.telegram.org');
  });

  it('masks tokens and compares secrets whole', () => {
    expect(maskToken('123456789:AAHabcdefghijklmnopqrstuvwxyz1234')).toBe('123456789:••••••••1234');
    expect(sameSecret('abc', 'abc')).toBe(true);
    for (const wrong of ['', 'ab', 'abcd', 'abd']) expect(sameSecret(wrong, 'abc')).toBe(false);
  });
});
