// A citizen on a phone or a PC: search, read a service, switch language.
const { test, expect } = require('@playwright/test');
const { shot } = require('./shots');

test('search "paspor" from the home page and open the service page', async ({ page }, info) => {
  await page.goto('/');
  await expect(page.locator('h1')).toHaveText('Layanan publik di bawah satu atap');
  await shot(page, info, 'home');
  await page.getByLabel('Kata kunci').fill('paspor');
  await page.getByRole('button', { name: 'Cari' }).click();
  await expect(page).toHaveURL(/\/cari\?q=paspor/);
  await expect(page.locator('#result-count')).toContainText('layanan ditemukan');
  // Passport services of several MPPs are listed.
  const results = page.locator('.results li');
  await expect(results.first()).toContainText('Paspor');
  await expect(page.locator('.results')).toContainText('Makassar');
  await expect(page.locator('.results')).toContainText('Jayapura');
  await shot(page, info, 'search-paspor');
  await results.first().locator('a.title').click();
  await expect(page.locator('h1')).toContainText('Paspor');
  await expect(page.locator('#requirements li').first()).toBeVisible();
  await expect(page.locator('#procedure li').first()).toBeVisible();
  for (const heading of ['Persyaratan', 'Prosedur', 'Jangka waktu', 'Biaya/tarif', 'Produk layanan']) {
    await expect(page.getByText(heading, { exact: true }).first()).toBeVisible();
  }
  await shot(page, info, 'service');
});

test('a typo still finds the service within one MPP', async ({ page }, info) => {
  await page.goto('/mpp/kota-bogor');
  await expect(page.locator('#open-status')).toBeVisible();
  await shot(page, info, 'mpp-home');
  await page.getByLabel('Kata kunci').fill('akta kelahiarn');
  await page.getByLabel('Kata kunci').press('Enter');
  await expect(page.locator('.results li').first()).toContainText('Kelahiran');
  await page.goto('/mpp/kota-bogor/layanan');
  await shot(page, info, 'catalogue');
  await page.goto('/provinsi/32');
  await shot(page, info, 'province');
});

test('switching to English is remembered on the next page', async ({ page }, info) => {
  await page.goto('/mpp/kota-bogor');
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('h2').first()).toBeVisible();
  await expect(page.getByText('Opening hours')).toBeVisible();
  await page.goto('/cari?q=passport');
  await expect(page.locator('h1')).toHaveText('Find a service at any MPP');
  await expect(page.locator('.results li').first()).toContainText('Passport');
  await shot(page, info, 'search-english');
  await page.getByRole('link', { name: 'Bahasa Indonesia' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'id');
});

test('the print view of a service', async ({ page }, info) => {
  await page.emulateMedia({ media: 'print' });
  await page.goto('/mpp/kota-bogor/layanan/IMI-01/cetak?noprint');
  await expect(page.locator('h1')).toContainText('Paspor');
  await expect(page.locator('header.top')).toBeHidden();
  await shot(page, info, 'service-print');
});

test.describe('from a visitor who shares their location', () => {
  test.use({ geolocation: { latitude: -5.14, longitude: 119.42 }, permissions: ['geolocation'] });

  test('"nearest MPP" sorts the search from where the visitor is', async ({ page }, info) => {
    await page.goto('/cari?q=paspor');
    await expect(page.locator('.results li').first()).toContainText('Paspor');
    await page.getByRole('button', { name: 'Urutkan dari MPP terdekat' }).click();
    await expect(page).toHaveURL(/lat=-5\.14/);
    await expect(page.locator('#place-note')).toContainText('Mal Pelayanan Publik Kota Makassar');
    await expect(page.locator('.results li').first()).toContainText('Kota Makassar');
    await expect(page.locator('.results li .distance').first()).toContainText('km');
    await shot(page, info, 'search-nearest');
    await page.getByRole('link', { name: 'Hapus lokasi' }).click();
    await expect(page.locator('#place-note')).toHaveCount(0);
    await page.getByLabel('Wilayah').selectOption({ label: 'Kota Bogor' });
    await page.getByRole('button', { name: 'Cari', exact: true }).click();
    await expect(page.locator('.results')).not.toContainText('Makassar');
    await expect(page.locator('.results li').first()).toContainText('Kota Bogor');
  });
});
