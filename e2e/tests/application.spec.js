// A file that outlives the visit: an officer registers it at the counter with a
// requirement missing and prints the receipt; the applicant brings the missing
// document; the officer walks it through its steps to "ready"; the applicant,
// on a phone, follows it by the tracking code and reads the ready message.
const { test, expect, devices } = require('@playwright/test');
const { shot } = require('./shots');
const { pairKiosk } = require('./helpers');

async function login(page, email) {
  await page.goto('/masuk');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Kata sandi').fill('satuatap-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page).not.toHaveURL(/\/masuk/);
}

test('intake → needs completion → steps → ready message → tracked on a phone', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run is enough; it uses phone and desktop sizes itself');
  const officerCtx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const officer = await officerCtx.newPage();
  await login(officer, 'petugas.imigrasi.bogor@demo.satuatap.id');
  await officer.goto('/admin/berkas');
  await expect(officer.locator('h1')).toContainText('Berkas permohonan');
  await officer.locator('#app-new').click();
  await officer.getByLabel('Layanan').selectOption({ label: 'Penerbitan Paspor Biasa Baru (Elektronik)' });
  await officer.getByRole('button', { name: 'Pilih layanan' }).click();

  // Nothing typed: the form says what is missing, in words.
  await officer.getByRole('button', { name: 'Daftarkan dan cetak tanda terima' }).click();
  await expect(officer.locator('#error-summary')).toContainText('Nama pemohon');
  await shot(officer, info, 'application-intake-error', 'desktop');

  const reqs = officer.locator('#f-requirements_met input[type=checkbox]');
  await expect(reqs).toHaveCount(4);
  await reqs.nth(0).check();
  await reqs.nth(1).check();
  await reqs.nth(3).check();
  await officer.getByLabel('Nama pemohon').fill('Rina Marlina');
  await officer.getByLabel('Nomor HP/WhatsApp').fill('0812-7777-1234');
  await officer.getByRole('button', { name: 'Daftarkan dan cetak tanda terima' }).click();

  // The receipt: what is still missing, by when, and the tracking code with its QR.
  await expect(officer.locator('#receipt h1')).toHaveText('Tanda terima berkas');
  await expect(officer.locator('#receipt .missing')).toContainText('Akta kelahiran');
  await expect(officer.locator('#receipt .qr svg')).toBeVisible();
  const code = (await officer.locator('#receipt-code').innerText()).trim();
  expect(code).toMatch(/^BRK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await shot(officer, info, 'application-receipt', 'desktop');

  // The file waits for the document; the clock is stopped.
  await officer.getByRole('link', { name: 'Buka berkas' }).click();
  await expect(officer.locator('#app-step')).toHaveText('Perlu dilengkapi');
  await expect(officer.locator('#app-due')).toContainText('Dihitung setelah berkas lengkap');
  await shot(officer, info, 'application-needs-completion', 'desktop');
  const back = officer.locator('form#to-received');
  await back.locator('input[type=checkbox]').nth(2).check();
  await back.getByRole('button', { name: 'Dokumen sudah lengkap' }).click();
  await expect(officer.locator('#app-step')).toHaveText('Diterima');
  await expect(officer.locator('#app-due')).toContainText('2027');

  for (const [form, label] of [['verified', 'Diverifikasi'], ['processed', 'Diproses'], ['approved', 'Disetujui'], ['ready', 'Siap diambil']]) {
    await officer.locator(`form#to-${form} button[type=submit]`).click();
    await expect(officer.locator('#app-step')).toHaveText(label);
  }
  await expect(officer.locator('#app-survey')).toContainText('SKM-');
  await expect(officer.locator('#steps li.current')).toContainText('Siap diambil');
  await shot(officer, info, 'application-ready', 'desktop');

  // The applicant's message says it is ready (the demo shows the outbox).
  await officer.goto('/demo/pesan');
  await expect(officer.locator('body')).toContainText('siap diambil');

  // On a phone, by the code as typed from the receipt.
  const phoneCtx = await browser.newContext({ ...devices['Pixel 5'] });
  const phone = await phoneCtx.newPage();
  await phone.goto('/berkas');
  await shot(phone, info, 'application-track-entry', 'phone');
  await phone.getByLabel('Kode lacak').fill(code.toLowerCase().replace(/-/g, ' '));
  await phone.getByRole('button', { name: 'Cari berkas' }).click();
  await expect(phone.locator('#app-says')).toContainText('sudah selesai');
  await expect(phone.locator('#steps li.done')).toHaveCount(4);
  await expect(phone.locator('body')).not.toContainText('0812');
  await expect(phone.locator('body')).not.toContainText('Petugas');
  await shot(phone, info, 'application-track', 'phone');

  // At the kiosk, the applicant types the receipt's code and gets a pickup number.
  const kioskCtx = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true });
  const kiosk = await kioskCtx.newPage();
  await pairKiosk(browser, kiosk, 'Kios pengambilan berkas');
  await kiosk.locator('#pickup').click();
  await kiosk.locator('#file-code').fill('BRK-0000-0000-0000');
  await kiosk.locator('#pickup-submit').click();
  await expect(kiosk.locator('#pickup-message')).toBeVisible();
  await kiosk.locator('#file-code').fill(code);
  await kiosk.locator('#pickup-submit').click();
  await expect(kiosk.locator('.k-ticket #ticket-code')).toHaveText(/^G-\d{3}$/);
  await shot(kiosk, info, 'kiosk-pickup-ticket', 'kiosk');
  // The pickup ticket is a real place in the passport queue: give it back, so the
  // other browser tests find that queue as the demo left it.
  const qr = await kiosk.locator('.k-ticket img.qr').getAttribute('src');
  const token = decodeURIComponent(qr.split('/')[2]);
  const holder = await browser.newContext();
  const cancelled = await holder.request.post(`/api/v1/tickets/${token}/cancel`);
  expect(cancelled.status()).toBe(200);
  await holder.close();
  await kioskCtx.close();

  // Picked up: the worklist no longer holds it among the open ones.
  await officer.goBack();
  await officer.locator('form#to-picked_up button[type=submit]').click();
  await expect(officer.locator('#app-step')).toHaveText('Sudah diambil');
  await officer.goto('/admin/berkas');
  await expect(officer.locator('#applications')).toHaveCount(0);
  const phoneList = await browser.newContext({ ...devices['Pixel 5'] });
  const list = await phoneList.newPage();
  await login(list, 'petugas.imigrasi.bogor@demo.satuatap.id');
  await list.goto('/admin/berkas?keadaan=done');
  await expect(list.locator('#applications')).toContainText('R*** M***');
  await shot(list, info, 'application-worklist', 'phone');
  await phoneCtx.close();
  await phoneList.close();
  await officerCtx.close();
});
