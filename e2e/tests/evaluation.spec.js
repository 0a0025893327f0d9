// The yearly evaluation as its people use it: the manager's self-assessment,
// the evaluator returning it once and finalising, the public results; and the
// national admin's instrument editor refusing weights that do not add up.
const { test, expect } = require('@playwright/test');
const { shot } = require('./shots');
const { login } = require('./helpers');

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const pdf = (name) => ({ name, mimeType: 'application/pdf', buffer: PDF });

test('a full cycle: open, self-assess with files, return, resubmit, verify, publish, incentive list', async ({ browser }, info) => {
  // One MPP's cycle can be finished once; the phone run looks at last year's finished pages.
  const ctx = await browser.newContext(info.project.use);
  const page = await ctx.newPage();
  if (info.project.name !== 'desktop') {
    await page.goto('/evaluasi?tahun=2026');
    await expect(page.locator('h1')).toHaveText('Hasil evaluasi MPP');
    await expect(page.locator('tbody tr')).toHaveCount(3);
    await expect(page.locator('svg.bars').first()).toBeVisible();
    await shot(page, info, 'evaluation-results');
    await page.locator('tbody tr').first().getByRole('link').click();
    await expect(page.locator('h1')).toContainText('Rapor evaluasi');
    await expect(page.getByRole('heading', { name: 'Indikator terlemah' })).toBeVisible();
    await shot(page, info, 'evaluation-card');
    await page.goto('/evaluasi');
    await page.getByRole('link', { name: /Daftar insentif yang disahkan/ }).click();
    await expect(page.locator('.notice')).toContainText('Disahkan oleh Admin Nasional');
    await shot(page, info, 'evaluation-incentives');
    await ctx.close();
    return;
  }
  // The national admin opens next year's cycle from the evaluation page and assigns an evaluator.
  const admin = page;
  await login(admin, 'admin@demo.satuatap.id', '/admin/evaluasi');
  await admin.getByText('Buka siklus evaluasi').click();
  await admin.getByLabel('Tahun').fill('2028');
  await admin.getByLabel('Batas penilaian mandiri').fill('2028-10-31');
  await admin.getByLabel('Batas verifikasi').fill('2028-11-30');
  await admin.getByRole('button', { name: 'Buka siklus' }).click();
  await expect(admin.getByRole('status')).toContainText('Siklus dibuka');
  await expect(admin.locator('h1')).toHaveText('Siklus evaluasi 2028');
  const firstRow = admin.locator('tbody tr', { hasText: 'Kota Bogor' });
  await firstRow.locator('select').selectOption({ label: 'Evaluator KemenPANRB' });
  await firstRow.getByRole('button', { name: 'Tugaskan' }).click();
  await expect(admin.getByRole('status')).toContainText('Evaluator ditugaskan');
  await shot(admin, info, 'evaluation-cycle');

  // This year's self-assessment: scores, a file refused by its bytes, then the evidence.
  const manager = await (await browser.newContext(info.project.use)).newPage();
  await login(manager, 'manajer.bogor@demo.satuatap.id', '/admin/evaluasi/saya');
  await expect(manager.locator('h1')).toHaveText('Evaluasi MPP');
  await shot(manager, info, 'evaluation-mine');
  await manager.locator('tr', { hasText: '2027' }).getByRole('link').click();
  await expect(manager.locator('h1')).toHaveText('Evaluasi Mal Pelayanan Publik Kota Bogor 2027');
  await expect(manager.locator('#ind-skm .figure')).toContainText('IKM');
  await manager.getByRole('button', { name: 'Kirim penilaian' }).click();
  await expect(manager.getByRole('alert')).toContainText('perlu diperbaiki');
  for (const select of await manager.locator('select[name^="s_"]').all()) {
    await select.selectOption('4');
  }
  await manager.locator('textarea[name="t_maklumat"]').fill('Maklumat dipasang di pintu masuk.');
  await manager.locator('#f-maklumat').setInputFiles({ name: 'maklumat.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script>') });
  await manager.locator('#f-kode_etik').setInputFiles(pdf('kode-etik.pdf'));
  await manager.getByRole('button', { name: 'Simpan draf' }).click();
  await expect(manager.locator('#ind-maklumat .error')).toContainText('PDF');
  await expect(manager.locator('.problems')).toContainText('Maklumat pelayanan');
  await expect(manager.locator('#ind-kode_etik .files')).toContainText('kode-etik.pdf');
  await expect(manager.locator('textarea[name="t_maklumat"]')).toHaveValue('Maklumat dipasang di pintu masuk.');
  // Every indicator that asks for evidence gets a file; submitting sends it to the evaluator.
  for (const ind of await manager.locator('.indicator', { has: manager.getByText('Wajib bukti') }).all()) {
    const key = (await ind.getAttribute('id')).replace('ind-', '');
    await manager.locator(`#f-${key}`).setInputFiles(pdf(`bukti-${key}.pdf`));
  }
  await manager.getByRole('button', { name: 'Simpan draf' }).click();
  await expect(manager.getByRole('status')).toHaveText('Tersimpan.');
  await expect(manager.locator('#ind-maklumat .files')).toContainText('bukti-maklumat.pdf');
  await shot(manager, info, 'evaluation-self');
  await manager.getByRole('button', { name: 'Kirim penilaian' }).click();
  await expect(manager.getByRole('status')).toHaveText('Penilaian mandiri terkirim ke evaluator.');
  const url = manager.url();

  // The evaluator returns it once, for the maklumat.
  const evaluator = await (await browser.newContext(info.project.use)).newPage();
  await login(evaluator, 'evaluator@demo.satuatap.id');
  await expect(evaluator).toHaveURL(/\/admin\/evaluasi\/saya$/);
  await evaluator.goto(url);
  await evaluator.locator('input[name="fix_maklumat"]').check();
  await evaluator.getByLabel('Alasan pengembalian').fill('Lampirkan foto maklumat yang ditandatangani.');
  await evaluator.getByRole('button', { name: 'Kembalikan untuk perbaikan' }).click();
  await expect(evaluator.getByRole('status')).toHaveText('Penilaian dikembalikan ke MPP untuk perbaikan.');

  // The manager revises only that indicator, adds the signed photo, and resubmits.
  await manager.goto(url);
  await expect(manager.locator('.notice').first()).toContainText('Lampirkan foto maklumat');
  await expect(manager.locator('#ind-maklumat')).toContainText('Perlu diperbaiki');
  await expect(manager.locator('select[name="s_skm"]')).toHaveCount(0);
  await expect(manager.locator('#f-skm')).toHaveCount(0);
  await manager.locator('select[name="s_maklumat"]').selectOption('5');
  await manager.locator('textarea[name="t_maklumat"]').fill('Foto maklumat bertanda tangan terlampir.');
  await manager.locator('#f-maklumat').setInputFiles(pdf('maklumat-ttd.pdf'));
  await shot(manager, info, 'evaluation-returned');
  await manager.getByRole('button', { name: 'Kirim penilaian' }).click();
  await expect(manager.getByRole('status')).toHaveText('Penilaian mandiri terkirim ke evaluator.');

  // Verification and finalisation; the evaluator downloads the new file.
  await evaluator.goto(url);
  const download = evaluator.waitForEvent('download');
  await evaluator.locator('#ind-maklumat').getByRole('link', { name: 'maklumat-ttd.pdf' }).click();
  expect((await download).suggestedFilename()).toBe('maklumat-ttd.pdf');
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

  // The national admin publishes this year's results, sets the incentive rule and signs the list off.
  await admin.goto('/admin/evaluasi');
  await admin.getByRole('link', { name: '2027', exact: true }).click();
  // Not every MPP is final: the page says so, and asks for a tick before publishing.
  await expect(admin.locator('.notice.error')).toContainText('belum final');
  await admin.getByRole('button', { name: 'Umumkan hasil' }).click();
  await expect(admin.getByRole('alert')).toContainText('Centang pernyataan');
  await admin.getByLabel('Saya paham hasil yang diumumkan').check();
  await admin.getByRole('button', { name: 'Umumkan hasil' }).click();
  await expect(admin.getByRole('status')).toContainText('Hasil diumumkan');
  await admin.getByRole('link', { name: 'Daftar insentif' }).click();
  await admin.getByLabel('Predikat minimal').selectOption('B');
  await admin.getByLabel('Nilai aspek terendah yang diterima').fill('3,50');
  await admin.getByRole('button', { name: 'Simpan aturan' }).click();
  await expect(admin.getByRole('status')).toContainText('Aturan disimpan');
  await expect(admin.locator('tbody tr')).toHaveCount(1);
  await expect(admin.locator('tbody tr').first()).toContainText('Kota Bogor');
  await expect(admin.locator('tbody tr').first()).toContainText('Ya');
  await admin.getByLabel('Saya paham daftar yang disahkan').check();
  await admin.getByRole('button', { name: 'Sahkan daftar' }).click();
  await expect(admin.getByRole('status')).toContainText('disahkan');
  await expect(admin.locator('.notice').nth(1)).toContainText('Disahkan oleh Admin Nasional');
  await expect(admin.getByRole('button', { name: 'Simpan aturan' })).toHaveCount(0);
  await shot(admin, info, 'evaluation-incentives');

  // The public sees this year's results first, and Kota Bogor's report card.
  const pub = await (await browser.newContext(info.project.use)).newPage();
  await pub.goto('/evaluasi');
  await expect(pub.locator('h2').first()).toHaveText('Evaluasi 2027');
  await expect(pub.locator('tbody tr').first()).toContainText('4,08');
  await expect(pub.locator('tbody tr').first()).toContainText('▼');
  await expect(pub.locator('svg.bars').first()).toBeVisible();
  await shot(pub, info, 'evaluation-results');
  await pub.locator('tbody tr').first().getByRole('link').click();
  await expect(pub.locator('h1')).toHaveText('Rapor evaluasi Mal Pelayanan Publik Kota Bogor 2027');
  await expect(pub.locator('.weakest li')).toHaveCount(5);
  await shot(pub, info, 'evaluation-card');
  await ctx.close();
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
