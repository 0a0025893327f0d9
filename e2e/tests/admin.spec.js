// An MPP manager edits a service; the public page shows the change.
const { test, expect } = require('@playwright/test');
const { shot } = require('./shots');

test('an MPP manager edits a service and the public page shows it', async ({ page }, info) => {
  const stamp = `${info.project.name}-${Date.now() % 100000}`;
  await page.goto('/masuk');
  await shot(page, info, 'login');
  await page.getByLabel('Email').fill('manajer.bogor@demo.satuatap.id');
  await page.getByLabel('Kata sandi').fill('satuatap-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  // The manager's home is the MPP's dashboard: now, today, the period with its chart.
  await expect(page.locator('h1')).toContainText('Dasbor');
  await expect(page.locator('#dash-now')).toBeVisible();
  await expect(page.locator('#chart-visitors svg rect').first()).toBeAttached();
  await expect(page.locator('#by-service tbody tr').first()).toBeVisible();
  await shot(page, info, 'admin-dashboard');

  await page.goto('/admin/layanan?q=SKCK');
  await shot(page, info, 'admin-services');
  await page.locator('table a', { hasText: 'SKCK' }).first().click();
  await expect(page.locator('#service-status')).toHaveText('Terbit');
  const code = await page.locator('#f-code').inputValue();
  const summary = `Ringkasan diperbarui ${stamp}`;
  await page.locator('#f-summary').fill(summary);
  await shot(page, info, 'admin-service-edit');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await expect(page.getByRole('status')).toHaveText('Perubahan tersimpan.');

  await page.goto(`/mpp/kota-bogor/layanan/${code}`);
  await expect(page.getByText(summary)).toBeVisible();

  // A validation error is shown next to its field and nothing is saved.
  await page.goto('/admin/layanan?q=SKCK');
  await page.locator('table a', { hasText: 'SKCK' }).first().click();
  await page.locator('#f-requirements').fill('');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await expect(page.locator('#e-requirements')).toHaveText('Wajib diisi.');
  await shot(page, info, 'admin-service-error');
  await page.goto(`/mpp/kota-bogor/layanan/${code}`);
  await expect(page.locator('#requirements li').first()).toBeVisible();
});
