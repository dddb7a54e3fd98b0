// The invoice-reading benchmark at a small scale (three generated invoices, one also as a photo),
// so it keeps working: it scores text PDFs and photos field by field, ends with the JSON
// `npm run bench:invoices` prints, and reads invoices and their truths from a folder given with
// --input. How well the rules read is the full run's to say.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoicePdf, makeInvoice } from '../invoices/testing/generate';
import { runBench, type BenchRun } from './smoke';

const script = 'core/bench/invoices.bench.ts';

describe('npm run bench:invoices', () => {
  let run: BenchRun['run'];
  let json: BenchRun['json'];
  beforeAll(() => {
    ({ run, json } = runBench(script, { BENCH_INVOICES: '3', BENCH_PHOTOS: '1' }, 150_000));
  }, 180_000);

  it('reads the invoices asked for and ends with one JSON line of finite figures', () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(json).toMatchObject({ invoices: 4, pdfs: 3, photos: 1, unreadable: 0 });
    for (const key of ['fields_accuracy_pdf', 'fields_accuracy_photo']) {
      expect(json[key], key).toBeGreaterThan(0);
      expect(json[key], key).toBeLessThanOrEqual(1);
    }
    for (const key of ['pdf_page_ms', 'photo_page_ms']) expect(json[key], key).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/fields right, text PDFs/);
  });
});

describe('npm run bench:invoices -- --input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'invoices-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const bench = (folder: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', script, '--input', folder], {
      encoding: 'utf8',
      timeout: 90_000,
    });

  it('scores the invoices of a folder against the truths beside them', async () => {
    const inv = makeInvoice(5, 'classic');
    writeFileSync(join(dir, 'a.pdf'), await invoicePdf(inv));
    const t = inv.truth;
    // One line's price is wrong in the truth: exactly that field is missed.
    const lines = t.lines.map((l, i) => ({
      code: l.code,
      quantity: l.quantity,
      unitPrice: i === 0 ? l.unitPrice + 1 : l.unitPrice,
    }));
    writeFileSync(
      join(dir, 'a.json'),
      JSON.stringify({ ...t, supplierTaxId: t.supplierTaxId, lines }),
    );
    const run = bench(dir);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    expect(json['invoices']).toBe(1);
    const fields = 4 + t.lines.reduce((n, l) => n + (l.code ? 3 : 2), 0);
    expect(json['fields_accuracy_pdf']).toBeCloseTo((fields - 1) / fields, 6);
    expect(json['fields_accuracy_photo']).toBeNull();
  });

  it('refuses a truth that does not fit, naming its file', () => {
    const bad = mkdtempSync(join(tmpdir(), 'invoices-bench-bad-'));
    writeFileSync(join(bad, 'b.pdf'), '%PDF-1.4\n');
    writeFileSync(join(bad, 'b.json'), JSON.stringify({ number: 'X' }));
    const run = bench(bad);
    rmSync(bad, { recursive: true, force: true });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/b\.json/);
  });
});
