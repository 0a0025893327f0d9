// The kiosk finds a service by name and says each service's walk-in limit; an
// MPP that gives numbers only on site points a phone to booking instead.
const { test, expect, devices } = require('@playwright/test');
const { shot } = require('./shots');

test('kiosk search shows the walk-in quota; a phone at an on-site-only MPP is pointed to booking', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run is enough; it uses phone size itself');
  const ctx = await browser.newContext({ ...devices['Pixel 5'] });
  const phone = await ctx.newPage();
  await phone.goto('/mpp/kota-bogor/kiosk');
  await expect(phone.locator('#k-q')).toBeVisible();
  await phone.locator('#k-q').fill('ktp baru');
  const hit = phone.locator('#k-results button').first();
  await expect(hit).toContainText('Perekaman dan Penerbitan KTP-el Baru');
  await expect(hit).toContainText('Sisa nomor hari ini: 150');
  await shot(phone, info, 'kiosk-search', 'phone');
  await phone.locator('#k-q').fill('zzzz');
  await expect(phone.locator('#k-no-match')).toBeVisible();

  await phone.goto('/mpp/kota-makassar/kiosk');
  await expect(phone.locator('#remote-off')).toContainText('pesan jadwal kunjungan');
  await expect(phone.locator('#remote-off-book')).toHaveAttribute('href', '/mpp/kota-makassar/layanan');
  await shot(phone, info, 'kiosk-remote-off', 'phone');
  await ctx.close();
});
