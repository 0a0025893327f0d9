// The national side as a citizen, a regency planner and the ministry would use it:
// the programme map and a tap into a regency, Kota Bogor's needs study, the
// ministry's comparison table, and a manager's proposal decided by the national admin.
const { test, expect } = require('@playwright/test');
const { shot } = require('./shots');
const { login } = require('./helpers');

test('the national map: 514 regencies, a legend, and a tap opens a regency', async ({ page }, info) => {
  await page.goto('/nasional');
  await expect(page.locator('h1')).toHaveText('Mal Pelayanan Publik di 514 kabupaten/kota');
  await expect(page.locator('svg.map a')).toHaveCount(514);
  await expect(page.locator('.legend').first()).toContainText('Beroperasi');
  await shot(page, info, 'national');
  // Tap the largest operating regency on the map (big enough for a finger on a phone).
  const href = await page.evaluate(() => {
    let best = null;
    let area = 0;
    for (const a of document.querySelectorAll('svg.map g[fill="#0a5c4d"] a')) {
      const r = a.getBoundingClientRect();
      if (r.width * r.height > area) {
        area = r.width * r.height;
        best = a.getAttribute('href');
      }
    }
    return best;
  });
  const name = (await page.locator(`svg.map a[href="${href}"] title`).textContent()).split(',')[0];
  // Tap a point inside the regency's own shape (its box's centre may be sea or a neighbour).
  await page.locator(`svg.map a[href="${href}"]`).scrollIntoViewIfNeeded();
  const spot = await page.evaluate((h) => {
    const a = document.querySelector(`svg.map a[href="${h}"]`);
    const r = a.getBoundingClientRect();
    for (let i = 1; i < 24; i++) {
      for (let j = 1; j < 24; j++) {
        const x = r.left + (r.width * i) / 24;
        const y = r.top + (r.height * j) / 24;
        const hit = document.elementFromPoint(x, y);
        if (hit && hit.closest('a') === a) return { x, y };
      }
    }
    return null;
  }, href);
  expect(spot).not.toBeNull();
  await page.mouse.click(spot.x, spot.y);
  await expect(page).toHaveURL(new RegExp(`${href.replace(/\./g, '\\.')}$`));
  await expect(page.locator('h1')).toHaveText(name);
  await expect(page.locator('.timeline li').first()).toContainText('Diresmikan');
  await shot(page, info, 'national-regency');
  // The list twin, filtered by province.
  await page.goto('/nasional');
  await page.getByLabel('Provinsi').selectOption('32');
  await page.getByLabel('Tahapan', { exact: true }).selectOption('operating');
  await page.getByRole('button', { name: 'Terapkan' }).click();
  await expect(page.locator('#daftar')).toContainText('Daftar kabupaten/kota');
  await expect(page.locator('details.card[open] tbody tr').first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Kota Bogor' }).last()).toBeVisible();
  await shot(page, info, 'national-filtered');
});

test("Kota Bogor's study: its districts, coverage, the top candidate and a what-if", async ({ page }, info) => {
  await page.goto('/nasional/wilayah/32.71');
  await expect(page.locator('h1')).toHaveText('Kota Bogor');
  await expect(page.locator('section.card').first()).toContainText('MPP Graha Tiyasa');
  await page.getByRole('link', { name: 'Buka kajian kebutuhan MPP' }).click();
  await expect(page.locator('h1')).toHaveText('Kajian kebutuhan MPP: Kota Bogor');
  await expect(page.locator('table.districts tbody tr')).toHaveCount(6);
  await expect(page.locator('.facts')).toContainText('Dalam 5 km dari MPP');
  await expect(page.locator('#usulan-utama')).toContainText('Bogor Barat');
  await expect(page.locator('table.districts')).toContainText('perkiraan');
  await expect(page.locator('svg.map')).toBeVisible();
  await shot(page, info, 'study-kota-bogor');
  await page.getByLabel('Lintang').fill('-6,5700');
  await page.getByLabel('Bujur').fill('106.7700');
  await page.getByRole('button', { name: 'Hitung' }).click();
  await expect(page.locator('.what-if').first()).toContainText('Titik yang Anda ketik');
  await expect(page.locator('.what-if').first()).toContainText('-6.5700, 106.7700');
  await shot(page, info, 'study-what-if');
  await page.goto('/nasional/wilayah/32.71/kajian/cetak');
  await expect(page.locator('#metode')).toBeVisible();
  await shot(page, info, 'study-print');
  await page.goto('/nasional/jangkauan');
  await expect(page.locator('tbody tr').first()).toBeVisible();
  await shot(page, info, 'national-ranking');
});

test("the ministry's comparison table: sort, drill down, and every MPP's bookings", async ({ page }, info) => {
  await login(page, 'admin@demo.satuatap.id', '/admin');
  await page.getByRole('link', { name: 'Dasbor nasional' }).first().click();
  await expect(page.locator('h1')).toHaveText('Dasbor kinerja MPP');
  const rows = page.locator('table.compare tbody tr');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThanOrEqual(4);
  // The table's header is hidden on a phone, so the filter form sorts too.
  await page.getByLabel('Urutkan menurut').selectOption('visitors');
  await page.getByRole('button', { name: 'Terapkan' }).click();
  await expect(page.locator('table.compare th[aria-sort="descending"]')).toContainText('Pengunjung');
  const visitors = await rows.evaluateAll((trs) =>
    trs.map((tr) => tr.querySelector('td[data-label="Pengunjung"]'))
      .filter(Boolean).map((td) => Number(td.firstChild.textContent.replace(/\D/g, ''))));
  expect(visitors.length).toBeGreaterThanOrEqual(2);
  expect([...visitors].sort((a, b) => b - a)).toEqual(visitors);
  if (info.project.name === 'desktop') {
    await page.locator('table.compare thead').getByRole('link', { name: 'Pengunjung' }).click();
    await expect(page.locator('table.compare th[aria-sort="ascending"]')).toContainText('Pengunjung');
    await page.locator('table.compare thead').getByRole('link', { name: 'Pengunjung' }).click();
    await expect(page.locator('table.compare th[aria-sort="descending"]')).toContainText('Pengunjung');
  }
  await shot(page, info, 'ministry-dashboard');
  await rows.first().locator('a').first().click();
  await expect(page.locator('.facts')).toContainText('IKM');
  await shot(page, info, 'ministry-drilldown');
  await page.goto('/admin/pemesanan');
  await expect(page.locator('h1')).toContainText('semua MPP');
  await shot(page, info, 'national-bookings');
});

test('a manager proposes a stage for its regency and the national admin accepts it', async ({ browser }, info) => {
  const ctx = await browser.newContext(info.project.use);
  const manager = await ctx.newPage();
  await login(manager, 'manajer.bogor@demo.satuatap.id', '/admin/nasional');
  await expect(manager.locator('h1')).toHaveText('Register MPP nasional');
  await manager.getByRole('link', { name: 'Usulkan perubahan untuk Kota Bogor' }).click();
  const main = manager.locator('section.card', { has: manager.getByRole('heading', { name: /^MPP Graha Tiyasa/ }) });
  await main.getByText('Usulkan peristiwa').click();
  await main.getByLabel('Tahapan').selectOption('operating');
  await main.getByLabel('Tanggal', { exact: true }).fill('2027-01-15');
  await main.getByLabel('Catatan').first().fill(`Layanan Sabtu dibuka (${info.project.name})`);
  await shot(manager, info, 'register-propose');
  await main.getByRole('button', { name: 'Kirim usulan' }).first().click();
  await expect(manager.getByRole('status')).toHaveText('Usulan terkirim ke admin nasional.');
  await ctx.close();

  const ctx2 = await browser.newContext(info.project.use);
  const national = await ctx2.newPage();
  await login(national, 'admin@demo.satuatap.id', '/admin/nasional');
  const row = national.locator('tr', { hasText: `Layanan Sabtu dibuka (${info.project.name})` });
  await expect(row).toContainText('Menunggu');
  await shot(national, info, 'register-decide');
  await row.getByRole('button', { name: 'Terima' }).click();
  await expect(national.getByRole('status')).toHaveText('Usulan diterima dan sudah dimasukkan ke register.');
  await national.goto('/nasional/wilayah/32.71');
  await expect(national.locator('section.card').first()).toContainText('Layanan Sabtu dibuka');
  await ctx2.close();
});
