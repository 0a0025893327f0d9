// The walk-in queue end to end: a kiosk issues a ticket, an officer's console
// calls it, the board shows it and asks for the voice call, and the visitor's
// phone says "called at counter N".
const { test, expect, devices } = require('@playwright/test');
const { shot } = require('./shots');
const { pairKiosk } = require('./helpers');

test('kiosk → console → board → my ticket', async ({ browser, page }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run is enough; it uses phone and board sizes itself');

  // A display board, full HD.
  const boardCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const board = await boardCtx.newPage();
  await board.goto('/mpp/kota-bogor/papan');
  await expect(board.locator('#ticker-text')).toContainText('Selamat datang');

  // The kiosk, touch-sized.
  const kioskCtx = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true });
  const kiosk = await kioskCtx.newPage();
  // Unpaired, the kiosk page is a phone's: no check-in, tickets followed on the phone.
  await kiosk.goto('/mpp/kota-bogor/kiosk');
  await expect(kiosk.locator('#unpaired')).toBeVisible();
  await pairKiosk(browser, kiosk, 'Kios pintu masuk Lantai 1');
  await expect(kiosk.locator('h1')).toHaveText('Pilih instansi');
  await expect(kiosk.locator('#unpaired')).toHaveCount(0);
  await shot(kiosk, info, 'kiosk-providers');
  await kiosk.getByRole('button', { name: /Kantor Imigrasi/ }).click();
  await kiosk.getByRole('button', { name: /Penerbitan Paspor Biasa Baru \(Elektronik\)/ }).click();
  await expect(kiosk.locator('.k-reqs li').first()).toBeVisible();
  await shot(kiosk, info, 'kiosk-requirements');
  await kiosk.getByRole('button', { name: 'Ambil nomor antrean' }).click();
  await expect(kiosk.locator('h1')).toHaveText('Apakah Anda termasuk kelompok prioritas?');
  await shot(kiosk, info, 'kiosk-priority');
  await kiosk.getByRole('button', { name: 'Tidak, antrean umum' }).click();
  const codeEl = kiosk.locator('.k-ticket #ticket-code');
  await expect(codeEl).toHaveText(/^G-\d{3}$/);
  const code = await codeEl.textContent();
  await shot(kiosk, info, 'kiosk-ticket');
  const qr = await kiosk.locator('.k-ticket img.qr').getAttribute('src');
  const token = decodeURIComponent(qr.split('/')[2]);

  // The printed ticket (58 mm).
  const printPage = await kioskCtx.newPage();
  await printPage.emulateMedia({ media: 'print' });
  await printPage.setViewportSize({ width: 240, height: 600 });
  await printPage.goto(`/tiket/${token}/cetak?noprint`);
  await expect(printPage.locator('.num')).toHaveText(code);
  await shot(printPage, info, 'ticket-print-58mm');

  // The visitor's phone, from the QR code.
  const phoneCtx = await browser.newContext({ ...devices['Pixel 5'] });
  const phone = await phoneCtx.newPage();
  await phone.goto(`/tiket/${token}`);
  await expect(phone.locator('#code')).toHaveText(code);
  await expect(phone.locator('#status')).toHaveText('Menunggu giliran');
  await shot(phone, info, 'my-ticket-waiting');

  // The officer's console.
  const consoleCtx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const officer = await consoleCtx.newPage();
  await officer.goto('/masuk?next=/konsol');
  await officer.getByLabel('Email').fill('petugas.imigrasi.bogor@demo.satuatap.id');
  await officer.getByLabel('Kata sandi').fill('satuatap-demo');
  await officer.getByRole('button', { name: 'Masuk' }).click();
  await expect(officer).toHaveURL(/\/konsol$/);
  await officer.locator('a.card').first().click();
  await expect(officer.locator('#counter-state')).toBeVisible();
  if (await officer.getByRole('button', { name: 'Buka loket' }).isVisible()) {
    await officer.getByRole('button', { name: 'Buka loket' }).click();
  }
  await expect(officer.locator('#counter-state')).toHaveText('Buka');
  // Before calling, the console says how many wait (not "nobody waits").
  await expect(officer.locator('#waiting-total')).toHaveText(/^[1-9]\d*$/);
  await expect(officer.locator('.c-current')).toContainText('orang menunggu');
  // Who is next, and the waiting list with a call button per number.
  await expect(officer.locator('#next-up')).toContainText(code);
  await expect(officer.locator('#waiting')).toContainText(code);
  await expect(officer.locator('#waiting [data-call]').first()).toBeEnabled();
  await expect(phone.locator('#where')).toContainText('Gerai');
  await shot(officer, info, 'console-waiting');
  // Keyboard shortcut N calls the next ticket; ours is the only one waiting for this queue.
  await officer.keyboard.press('n');
  await expect(officer.locator('#current-code')).toHaveText(code);
  await shot(officer, info, 'console-called');

  // The board shows the call and asks for the voice call.
  const call = board.locator('.b-call.latest');
  await expect(call.locator('.code')).toHaveText(code);
  await expect.poll(() => board.evaluate(() => window.__voice.map((v) => v.text).join('|'))).toContain('Nomor antrean G');
  await shot(board, info, 'board-call');

  // The phone says where to go.
  await expect(phone.locator('#called')).toBeVisible();
  await expect(phone.locator('#called')).toContainText('Loket');
  await expect(phone.locator('#status')).toHaveText('Nomor Anda dipanggil');
  await shot(phone, info, 'my-ticket-called');

  // Serve and finish; the phone follows.
  await officer.keyboard.press('s');
  // Serving: the start button is gone (the console ignores keys while a request is out).
  await expect(officer.locator('#b-start')).toHaveCount(0);
  await expect(officer.getByRole('button', { name: /Selesai dilayani/ })).toBeVisible();
  await officer.keyboard.press('f');
  await expect(officer.locator('#current-code')).toHaveCount(0);
  await expect(phone.locator('#status')).toHaveText('Sudah dilayani');
  await expect(phone.locator('#live-note')).toBeHidden();
  await officer.getByRole('button', { name: 'Tutup loket' }).click();
  await expect(officer.locator('#counter-state')).toHaveText('Tutup');
  for (const c of [boardCtx, kioskCtx, phoneCtx, consoleCtx]) await c.close();
});
