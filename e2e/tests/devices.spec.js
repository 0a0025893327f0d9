// Devices: the MPP manager registers a kiosk, the person setting it up types
// the pairing code on it, the kiosk prints tickets; revoked, it is a plain page again.
const { test, expect } = require('@playwright/test');
const { shot } = require('./shots');
const { login } = require('./helpers');

test('a manager pairs a kiosk, it checks in and prints; revoked, it no longer does', async ({ browser, page }, info) => {
  await login(page, 'manajer.bogor@demo.satuatap.id', '/admin');
  await page.getByRole('link', { name: 'Perangkat' }).click();
  await expect(page.locator('h1')).toHaveText('Perangkat');
  const name = `Kios lobi ${info.project.name}`;
  await page.getByLabel('Nama').fill(name);
  await page.getByLabel('Jenis').selectOption('kiosk');
  await page.getByRole('button', { name: 'Tambah dan buat kode pemasangan' }).click();
  const code = (await page.locator('#pairing-code').textContent()).trim();
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await expect(page.locator('#pairing')).toContainText('/perangkat');
  await shot(page, info, 'devices-new-code');

  // The kiosk: a mistyped code is refused in words, the right one opens the kiosk.
  const kioskCtx = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true });
  const kiosk = await kioskCtx.newPage();
  await kiosk.goto('/perangkat');
  await kiosk.getByLabel('Kode pemasangan').fill('ZZZZ-ZZZZ');
  await kiosk.getByRole('button', { name: 'Pasangkan' }).click();
  await expect(kiosk.locator('.notice.error')).toContainText('Kode pemasangan salah');
  await shot(kiosk, info, 'device-pair-refused', 'kiosk');
  await kiosk.getByLabel('Kode pemasangan').fill(code);
  await kiosk.getByRole('button', { name: 'Pasangkan' }).click();
  await expect(kiosk).toHaveURL(/\/mpp\/kota-bogor\/kiosk$/);
  await expect(kiosk.locator('#unpaired')).toHaveCount(0);

  // The list shows it paired and when it was last seen, in local time.
  await page.reload();
  const row = page.locator('tr', { hasText: name });
  await expect(row).toContainText('Terpasang');
  // A reload shows the list again; it neither repeats the post nor shows the code twice.
  await expect(page.locator('tr', { hasText: name })).toHaveCount(1);
  await expect(page.locator('#pairing')).toHaveCount(0);
  await shot(page, info, 'devices-list');

  // Revoked: the kiosk page is a phone's page again.
  page.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: 'Cabut' }).click();
  await expect(page.locator('tr', { hasText: name })).toContainText('Dicabut');
  await kiosk.reload();
  await expect(kiosk.locator('#unpaired')).toBeVisible();
  await kioskCtx.close();
});
