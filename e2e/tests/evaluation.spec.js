// The yearly evaluation as its people use it: the manager's self-assessment,
// the evaluator returning it once and finalising, the public results; and the
// national admin's instrument editor refusing weights that do not add up.
const { test, expect } = require('@playwright/test');
const { shot } = require('./shots');
const { login } = require('./helpers');

test('a full cycle: self-assess, return, resubmit, verify, finalise, results', async ({ browser }, info) => {
  // One MPP's cycle can be finished once; the phone run looks at the finished pages.
  const ctx = await browser.newContext(info.project.use);
  const manager = await ctx.newPage();
  await login(manager, 'manajer.bogor@demo.satuatap.id', '/admin/evaluasi/saya');
  await expect(manager.locator('h1')).toHaveText('Evaluasi MPP');
  await shot(manager, info, 'evaluation-mine');
  const evCtx = await browser.newContext(info.project.use);
  const evaluator = await evCtx.newPage();
  if (info.project.name === 'desktop') {
    await manager.locator('tr', { hasText: '2027' }).getByRole('link').click();
    await expect(manager.locator('h1')).toHaveText('Evaluasi Mal Pelayanan Publik Kota Bogor 2027');
    // Submitting with indicators unscored names them.
    await manager.getByRole('button', { name: 'Kirim penilaian' }).click();
    await expect(manager.getByRole('alert')).toContainText('perlu diperbaiki');
    for (const select of await manager.locator('select[name^="s_"]').all()) {
      await select.selectOption('4');
    }
    await manager.locator('textarea[name="t_maklumat"]').fill('Maklumat dipasang di pintu masuk.');
    await shot(manager, info, 'evaluation-self');
    await manager.getByRole('button', { name: 'Kirim penilaian' }).click();
    await expect(manager.getByRole('status')).toHaveText('Penilaian mandiri terkirim ke evaluator.');
    const url = manager.url();

    await login(evaluator, 'evaluator@demo.satuatap.id');
    await expect(evaluator).toHaveURL(/\/admin\/evaluasi\/saya$/);
    await evaluator.goto(url);
    await evaluator.locator('input[name="fix_maklumat"]').check();
    await evaluator.getByLabel('Alasan pengembalian').fill('Lampirkan foto maklumat yang ditandatangani.');
    await evaluator.getByRole('button', { name: 'Kembalikan untuk perbaikan' }).click();
    await expect(evaluator.getByRole('status')).toHaveText('Penilaian dikembalikan ke MPP untuk perbaikan.');

    await manager.goto(url);
    await expect(manager.locator('.notice').first()).toContainText('Lampirkan foto maklumat');
    await expect(manager.locator('#ind-maklumat')).toContainText('Perlu diperbaiki');
    await expect(manager.locator('select[name="s_skm"]')).toHaveCount(0);
    await manager.locator('select[name="s_maklumat"]').selectOption('5');
    await manager.locator('textarea[name="t_maklumat"]').fill('Foto maklumat bertanda tangan terlampir.');
    await shot(manager, info, 'evaluation-returned');
    await manager.getByRole('button', { name: 'Kirim penilaian' }).click();
    await expect(manager.getByRole('status')).toHaveText('Penilaian mandiri terkirim ke evaluator.');

    await evaluator.goto(url);
    for (const select of await evaluator.locator('select[name^="s_"]').all()) {
      await select.selectOption('4');
    }
    await evaluator.locator('select[name="s_maklumat"]').selectOption('5');
    await shot(evaluator, info, 'evaluation-verify');
    await evaluator.getByRole('button', { name: 'Finalkan' }).click();
    await expect(evaluator.getByRole('status')).toHaveText('Penilaian final. Indeks dan predikat sudah ditetapkan.');
    // All 4 but one of Kebijakan's three indicators (33.33 % of 24 %) at 5: 4 + 0.08 = 4.08 → A−.
    await expect(evaluator.locator('.facts')).toContainText('4,08');
    await expect(evaluator.locator('.facts')).toContainText('A-');
    await shot(evaluator, info, 'evaluation-final');
  }
  const page = await ctx.newPage();
  await page.goto('/evaluasi?tahun=2026');
  await expect(page.locator('h1')).toHaveText('Hasil evaluasi MPP');
  await expect(page.locator('tbody tr')).toHaveCount(3);
  if (info.project.name === 'desktop') {
    // The latest year with a final result is shown first: this year's, with Kota Bogor.
    await page.goto('/evaluasi');
    await expect(page.locator('h2').first()).toHaveText('Evaluasi 2027');
    await expect(page.locator('tbody tr').first()).toContainText('4,08');
    await page.goto('/evaluasi?tahun=2026');
  }
  await expect(page.locator('svg.bars').first()).toBeVisible();
  await shot(page, info, 'evaluation-results');
  await ctx.close();
  await evCtx.close();
});

test('the instrument editor refuses weights that do not add up and keeps what was typed', async ({ page }, info) => {
  await login(page, 'admin@demo.satuatap.id', '/admin/evaluasi');
  await expect(page.locator('h1')).toHaveText('Instrumen evaluasi MPP');
  await page.getByRole('button', { name: 'Buat salinan' }).first().click();
  await expect(page.getByRole('status')).toContainText('Salinan dibuat');
  await page.locator('#a5-weight').fill('13');
  await page.getByRole('button', { name: 'Simpan instrumen' }).click();
  await expect(page.locator('#jumlah-aspek')).toContainText('101 % — harus 100 %');
  await expect(page.locator('#a5-weight')).toHaveValue('13');
  await shot(page, info, 'evaluation-instrument-error');
  await page.locator('#a2-weight').fill('17');
  await page.getByRole('button', { name: 'Simpan instrumen' }).click();
  await expect(page.getByRole('status')).toHaveText('Instrumen disimpan.');
  await expect(page.locator('#jumlah-aspek')).toContainText('Jumlah: 100 %');
});
