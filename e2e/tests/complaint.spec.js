// A complaint end to end: a citizen files one on a phone with a photo attached
// and keeps the tracking code; the MPP's operator forwards it to the provider;
// the provider's admin answers; the citizen reads the answer by the code,
// rates it, and the operator sees the whole timeline.
const { test, expect, devices } = require('@playwright/test');
const { shot } = require('./shots');

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64');

async function login(page, email) {
  await page.goto('/masuk');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Kata sandi').fill('satuatap-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page).toHaveURL(/\/admin$/);
}

test('file with attachment → operator forwards → provider answers → reporter reads it by code', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run is enough; it uses phone and desktop sizes itself');
  const title = `Nomor antrean dilewati ${Date.now() % 100000}`;

  // The citizen, on a phone, from the MPP's page.
  const phoneCtx = await browser.newContext({ ...devices['Pixel 5'] });
  const phone = await phoneCtx.newPage();
  await phone.goto('/mpp/kota-bogor');
  await phone.locator('#complaint-link').click();
  await expect(phone.locator('h1')).toHaveText('Sampaikan laporan');
  await shot(phone, info, 'complaint-form', 'phone');

  // A short report is explained and nothing typed is lost.
  await phone.getByLabel('Judul').fill(title);
  await phone.getByLabel('Isi laporan').fill('Terlalu singkat');
  await phone.getByLabel('Tentang instansi').selectOption({ label: 'Kantor Imigrasi Kelas I Non TPI Bogor' });
  await phone.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(phone.locator('#e-body')).toContainText('20');
  await expect(phone.getByLabel('Judul')).toHaveValue(title);
  await shot(phone, info, 'complaint-form-error', 'phone');

  await phone.getByLabel('Isi laporan').fill('Saya menunggu dua jam di loket paspor dan nomor saya dilewati tanpa penjelasan dari petugas.');
  await phone.getByLabel('Rahasiakan identitas saya').check();
  await phone.getByLabel('Nama', { exact: true }).fill('Siti Aminah');
  await phone.getByLabel('E-mail').fill('siti@example.id');
  await phone.locator('#f-attachments').setInputFiles({ name: 'bukti.png', mimeType: 'image/png', buffer: PNG });
  await phone.getByRole('button', { name: 'Kirim laporan' }).click();
  await expect(phone.locator('h1')).toHaveText('Laporan terkirim');
  const code = (await phone.locator('#tracking-code').textContent()).trim();
  expect(code).toMatch(/^ADU-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await shot(phone, info, 'complaint-filed', 'phone');

  // The MPP's operator sees it, the reporter masked, and forwards it to immigration.
  const desk = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await login(desk, 'manajer.bogor@demo.satuatap.id');
  await desk.getByRole('link', { name: 'Pengaduan' }).first().click();
  await desk.locator('#complaints a', { hasText: /^ADU-/ }).first().waitFor();
  await shot(desk, info, 'admin-complaints', 'desktop');
  await desk.locator('#complaints tr', { hasText: title }).locator('a').first().click();
  await expect(desk.locator('#reporter')).toContainText('S*** A***');
  await expect(desk.locator('#reporter')).not.toContainText('Aminah');
  await desk.locator('#forward-form select[name=provider_id]').selectOption({ label: 'Kantor Imigrasi Kelas I Non TPI Bogor' });
  await shot(desk, info, 'admin-complaint', 'desktop');
  await desk.locator('#forward-form button').click();
  await expect(desk.locator('#complaint-status')).toHaveText('Diteruskan ke instansi');

  // The provider's admin answers; the reporter stays hidden from them.
  const provider = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await login(provider, 'admin.imigrasi.bogor@demo.satuatap.id');
  await provider.goto('/admin/pengaduan');
  await provider.locator('#complaints tr', { hasText: title }).locator('a').first().click();
  await expect(provider.locator('#reporter')).toContainText('Dirahasiakan');
  const answer = 'Mohon maaf atas ketidaknyamanan. Sistem panggilan loket 3 sudah diperbaiki dan petugas kami tegur.';
  await provider.locator('#answer-form textarea').fill(answer);
  await provider.locator('#answer-form button').click();
  await expect(provider.locator('#complaint-status')).toHaveText('Sudah ditanggapi');

  // The reporter types the code on the tracking page and reads the answer.
  await phone.goto('/pengaduan');
  await phone.getByLabel('Kode pelacakan').fill(code.toLowerCase());
  await phone.getByRole('button', { name: 'Lihat laporan' }).click();
  await expect(phone.locator('#complaint-status')).toHaveText('Sudah ditanggapi');
  await expect(phone.locator('#timeline')).toContainText(answer);
  await expect(phone.locator('#timeline')).toContainText('Kantor Imigrasi');
  await expect(phone.locator('a', { hasText: 'bukti.png' })).toBeVisible();
  await shot(phone, info, 'complaint-track', 'phone');
  await phone.locator('#rate-form label', { hasText: '4' }).click();
  await phone.locator('#rate-form button').click();
  await expect(phone.locator('#complaint-status')).toHaveText('Selesai');

  // The operator sees the whole timeline.
  await desk.reload();
  await expect(desk.locator('#timeline')).toContainText('Penilaian pelapor');
  await expect(desk.locator('#timeline')).toContainText(answer);
  await phoneCtx.close();
});

test('an unknown tracking code is explained', async ({ page }) => {
  await page.goto('/pengaduan');
  await page.getByLabel('Kode pelacakan').fill('ADU-0000-0000-0000');
  await page.getByRole('button', { name: 'Lihat laporan' }).click();
  await expect(page.getByRole('alert')).toContainText('tidak ditemukan');
});
