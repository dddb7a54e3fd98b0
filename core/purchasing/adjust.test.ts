// The AI adjustment where no AI model is set up (a PC on its own, or head office before its
// admin sets one): the try is kept with its note and the statistical forecast stays. With a
// model: sync-server/ai/adjust.test.ts, against a local OpenAI-compatible stand-in.
import { describe, expect, it } from 'vitest';
import { failure, openDemo, type DemoWorld } from '../testing/demo';

async function withForecast(w: DemoWorld) {
  const admin = w.as('admin');
  const tee = w.variant['TS-WHT-M']!;
  await admin('reorderRules.save', {
    branchId: w.branch.SH01,
    variantId: tee,
    min: 5,
    daysOfCover: 7,
  });
  await admin('purchasing.refit', {});
  return { admin, tee };
}

describe('adjusting a forecast with no AI model set up', () => {
  it('keeps the try with its note, and the statistical forecast stays in use', async () => {
    const w = await openDemo();
    const { admin, tee } = await withForecast(w);
    const input = { branchId: w.branch.SH01, variantId: tee };
    const before = await admin('purchasing.forecast', input);
    expect(before.forecast?.daily.length).toBeGreaterThan(0);
    expect(before.adjustment).toBeNull();
    const result = await admin('purchasing.adjustForecast', {
      ...input,
      description: 'Timkat holiday next week: double sales for 3 days',
    });
    expect(result).toMatchObject({
      adjusted: false,
      note: 'ignored: no AI model is set up',
      model: null,
      daily: before.forecast?.daily,
    });
    const after = await admin('purchasing.forecast', input);
    expect(after.adjustment).toMatchObject({
      id: result.id,
      description: 'Timkat holiday next week: double sales for 3 days',
      daily: null,
      note: 'ignored: no AI model is set up',
      inForce: true,
    });
    expect(after.used).toEqual({ source: 'statistical', daily: before.forecast?.daily });
  });

  it('refuses a series with no forecast yet, saying to refit first', async () => {
    const w = await openDemo();
    const e = await failure(
      w.as('admin')('purchasing.adjustForecast', {
        branchId: w.branch.SH02,
        variantId: w.variant['TS-WHT-M']!,
        description: 'A holiday',
      }),
    );
    expect(e).toMatchObject({
      code: 'INVALID_STATE',
      message: expect.stringMatching(/refit the forecasts first/),
    });
    expect(
      await w.as('admin')('purchasing.forecast', {
        branchId: w.branch.SH02,
        variantId: w.variant['TS-WHT-M']!,
      }),
    ).toEqual({
      forecast: null,
      adjustment: null,
      used: null,
    });
  });

  it('asks for a description of 3 to 1000 characters, and purchasing rights', async () => {
    const w = await openDemo();
    const { tee } = await withForecast(w);
    const input = { branchId: w.branch.SH01, variantId: tee };
    expect(
      await failure(w.as('admin')('purchasing.adjustForecast', { ...input, description: 'ab' })),
    ).toMatchObject({
      code: 'VALIDATION',
    });
    expect(
      await failure(
        w.as('admin')('purchasing.adjustForecast', { ...input, description: 'x'.repeat(1001) }),
      ),
    ).toMatchObject({ code: 'VALIDATION' });
    expect(
      await failure(
        w.as('shop1')('purchasing.adjustForecast', { ...input, description: 'A holiday' }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    // A clerk of another shop may not read this shop's forecast.
    expect(await failure(w.as('shop2')('purchasing.forecast', input))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('the AI settings are head office’s: a PC without the service says so', async () => {
    const w = await openDemo();
    expect(await failure(w.as('admin')('ai.settings', {}))).toMatchObject({
      code: 'HEAD_OFFICE_ONLY',
      message: expect.stringMatching(/head office/),
    });
    expect(await failure(w.as('admin')('ai.test', {}))).toMatchObject({ code: 'HEAD_OFFICE_ONLY' });
  });
});
