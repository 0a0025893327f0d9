// Online booking end to end: a citizen finds a service on a phone, picks a slot,
// books, sees the code and QR; at the MPP the kiosk checks the booking in, and
// the officer's console calls the ticket it became. The demo runs on a clock
// started at a Tuesday 09:00 WIB (playwright.config.js), so the first slot
// (09:30) is inside its check-in window whenever the suite runs.
const { test, expect, devices } = require('@playwright/test');
const { shot } = require('./shots');
const { pairKiosk } = require('./helpers');

const NIK = '3271011505900001';

test('find → book → code and QR → kiosk check-in → officer calls it', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run is enough; it uses phone, kiosk and desktop sizes itself');

  // The citizen, on a phone: from search to the service page.
  const phoneCtx = await browser.newContext({ ...devices['Pixel 5'] });
  const phone = await phoneCtx.newPage();
  await phone.goto('/cari?q=paspor+elektronik&mpp=kota-bogor');
  await phone.getByRole('link', { name: /Penerbitan Paspor Biasa Baru \(Elektronik\)/ }).first().click();
  await expect(phone.locator('#book-link')).toBeVisible();
  await shot(phone, info, 'service-with-booking', 'phone');
  await phone.locator('#book-link').click();
  await expect(phone.locator('h1')).toHaveText('Pesan jadwal kunjungan');

  // The first day is open; its first slot is 09:30.
  const firstDay = phone.locator('details.day').first();
  await expect(firstDay).toHaveAttribute('open', '');
  const slot = firstDay.locator('.slot:not(.full)').first();
  await expect(slot.locator('.time')).toHaveText('09:30');
  await shot(phone, info, 'book-pick-slot', 'phone');

  // A typo in the NIK is explained, and nothing typed is lost.
  await slot.click();
  await phone.getByLabel('Nama lengkap').fill('Budi Santoso');
  await phone.getByLabel('NIK').fill('32710115059');
  await phone.getByLabel('Nomor ponsel').fill('0812 3456 7890');
  await phone.getByRole('button', { name: 'Pesan jadwal' }).click();
  await expect(phone.locator('#e-nik')).toContainText('16 angka');
  await expect(phone.getByLabel('Nama lengkap')).toHaveValue('Budi Santoso');
  await shot(phone, info, 'book-error', 'phone');

  await phone.getByLabel('NIK').fill(NIK);
  await phone.locator('details.day').first().locator('.slot:not(.full)').first().click();
  await phone.getByRole('button', { name: 'Pesan jadwal' }).click();
  await expect(phone.getByText('Pemesanan berhasil.')).toBeVisible();
  const code = (await phone.locator('#booking-code').textContent()).trim();
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await expect(phone.locator('img.qr')).toBeVisible();
  await expect(phone.locator('body')).toContainText('3271********0001');
  await expect(phone.locator('body')).not.toContainText(NIK);
  await expect(phone.locator('body')).toContainText('09:30–10:00 WIB');
  await shot(phone, info, 'booking-confirmed', 'phone');

  // The confirmation went out (the demo shows staff the messages instead of sending them).
  await phone.goto('/demo/pesan');
  await expect(phone).toHaveURL(/\/masuk/);

  // At the MPP: the kiosk checks the booking in by its code.
  const kioskCtx = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true });
  const kiosk = await kioskCtx.newPage();
  await pairKiosk(browser, kiosk, 'Kios check-in');
  await kiosk.getByRole('button', { name: /Saya sudah pesan jadwal/ }).click();
  await expect(kiosk.locator('h1')).toHaveText('Check-in pemesanan');
  // An unknown code is refused with a reason.
  for (const k of 'ZZZZZZZZ') await kiosk.locator(`[data-k="${k}"]`).click();
  await expect(kiosk.locator('#booking-code')).toHaveValue('ZZZZ-ZZZZ');
  await kiosk.getByRole('button', { name: 'Check-in', exact: true }).click();
  await expect(kiosk.locator('#check-in-message')).toBeVisible();
  // A scanner types the code and Enter.
  await kiosk.locator('#booking-code').fill(code);
  await shot(kiosk, info, 'kiosk-check-in', 'kiosk');
  await kiosk.locator('#booking-code').press('Enter');
  const ticketCode = kiosk.locator('.k-ticket #ticket-code');
  await expect(ticketCode).toHaveText(/^[A-Z]-\d{3}$/);
  await expect(kiosk.locator('.k-ticket')).toContainText('Pemesanan pukul 09:30');
  const ticket = await ticketCode.textContent();
  await shot(kiosk, info, 'kiosk-checked-in', 'kiosk');

  // The booking page now says so.
  await phone.goto(`/pemesanan/${code}`);
  await expect(phone.locator('body')).toContainText('Anda sudah check-in');

  // The officer sees who is expected, then calls the ticket from the console.
  const consoleCtx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const officer = await consoleCtx.newPage();
  await officer.goto('/masuk?next=/admin/pemesanan');
  await officer.getByLabel('Email').fill('petugas.imigrasi.bogor@demo.satuatap.id');
  await officer.getByLabel('Kata sandi').fill('satuatap-demo');
  await officer.getByRole('button', { name: 'Masuk' }).click();
  await expect(officer).toHaveURL(/\/admin\/pemesanan/);
  const row = officer.locator('table.bookings tr', { hasText: code });
  await expect(row).toContainText('Budi Santoso');
  await expect(row).toContainText('3271********0001');
  await expect(row).toContainText('Sudah check-in');
  await shot(officer, info, 'bookings-of-the-day');
  // The demo shows staff the confirmation it would have sent.
  await officer.goto('/demo/pesan');
  await expect(officer.locator('article.message', { hasText: code }).first()).toBeVisible();

  await officer.goto('/konsol');
  await officer.locator('a.card').first().click();
  await expect(officer.locator('#counter-state')).toBeVisible();
  if (await officer.getByRole('button', { name: 'Buka loket' }).isVisible()) {
    await officer.getByRole('button', { name: 'Buka loket' }).click();
  }
  await expect(officer.locator('#counter-state')).toHaveText('Buka');
  await officer.keyboard.press('n');
  await expect(officer.locator('#current-code')).toHaveText(ticket);
  await shot(officer, info, 'console-booking-called');
  // Serve, finish and close, leaving the queue as it was.
  await officer.keyboard.press('s');
  // Serving: the start button is gone (the console ignores keys while a request is out).
  await expect(officer.locator('#b-start')).toHaveCount(0);
  await expect(officer.getByRole('button', { name: /Selesai dilayani/ })).toBeVisible();
  await officer.keyboard.press('f');
  await expect(officer.locator('#current-code')).toHaveCount(0);
  await officer.getByRole('button', { name: 'Tutup loket' }).click();
  await expect(officer.locator('#counter-state')).toHaveText('Tutup');
  for (const c of [phoneCtx, kioskCtx, consoleCtx]) await c.close();
});

test('manage a booking by code and NIK: move it, then cancel it', async ({ page }, info) => {
  // Book over the API (the page flow is covered above), then manage it on the page.
  const svc = await (await page.request.get('/api/v1/services?q=paspor+hilang&mpp=kota-bogor&limit=1')).json();
  const id = svc.services[0].id;
  const avail = await (await page.request.get(`/api/v1/services/${id}/availability`)).json();
  const open = avail.days.filter((d) => d.open && d.slots.some((s) => s.left > 0));
  const slot = open[1].slots.find((s) => s.left > 0);
  const nik = info.project.name === 'phone' ? '3271011505900002' : '3271011505900003';
  const b = await (await page.request.post('/api/v1/bookings', {
    data: { slot_id: slot.id, name: 'Sari', nik, email: 'sari@example.id' },
  })).json();
  expect(b.code).toBeTruthy();

  await page.goto(`/pemesanan?kode=${b.code}`);
  await page.getByLabel('NIK').fill(nik);
  await page.getByRole('button', { name: 'Cari pemesanan' }).click();
  await expect(page.locator('#booking-status')).toHaveText('Aktif');
  await shot(page, info, 'booking-manage');
  const choice = page.locator('#f-slot option').nth(2);
  const label = (await choice.textContent()).split(' ')[0];
  await page.locator('#f-slot').selectOption({ index: 2 });
  await page.getByRole('button', { name: 'Pindah jadwal' }).click();
  await expect(page.getByText('Jadwal pemesanan sudah dipindah')).toBeVisible();
  await expect(page.locator('.kv')).toContainText(label);

  page.once('dialog', (d) => d.accept());
  await page.locator('#cancel-booking').click();
  await expect(page.getByText('Pemesanan dibatalkan.')).toBeVisible();
  await expect(page.locator('#booking-status')).toHaveText('Dibatalkan');
});
