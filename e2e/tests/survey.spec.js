// The satisfaction survey (SKM) end to end: a visitor served at a counter opens
// the survey from the my-ticket page on a cheap phone, answers U1–U9 and sees
// the MPP's public IKM change; the counter's tablet asks the next visitor; an
// unknown code is refused clearly; the manager turns a suggestion into a
// follow-up, types in a paper survey and prints one-time codes.
// Screens are shot at 360×740 (phone) and 1280×800 (desktop).
const { test, expect } = require('@playwright/test');
const { shot } = require('./shots');

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const OFFICER = 'petugas.bpjs-kesehatan.bogor@demo.satuatap.id';

/** A phone shot, after checking nothing makes the page wider than the phone. */
async function phoneShot(page, info, name) {
  // A phone zooms out to fit a page that is too wide: compare with the phone's own width.
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scroll, `${name}: page wider than the phone`).toBeLessThanOrEqual(page.viewportSize().width);
  await shot(page, info, name, 'phone');
}

/** A shot at `size` ('phone' or 'desktop'). */
const shotAt = (page, info, name, size) => (size === 'phone' ? phoneShot(page, info, name) : shot(page, info, name, size));

/** A whole number as the pages print it ("1.234" in Indonesian). */
const count = async (locator) => Number((await locator.textContent()).replace(/[^0-9]/g, ''));

async function signIn(page, email, next) {
  await page.goto(`/masuk?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Kata sandi').fill('satuatap-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
}

/** A walk-in ticket for BPJS Kesehatan at Kota Bogor, as a phone takes it over the API. */
async function takeTicket(request) {
  const mpp = await (await request.get('/api/v1/mpps/kota-bogor')).json();
  const providers = await (await request.get('/api/v1/mpps/kota-bogor/providers')).json();
  const provider = providers.find((p) => p.slug === 'bpjs-kesehatan');
  const page = await (await request.get(`/api/v1/services?mpp=kota-bogor&provider=${provider.id}&limit=1`)).json();
  const r = await request.post(`/api/v1/mpps/${mpp.id}/tickets`, { data: { service_id: page.services[0].id, source: 'web' } });
  expect(r.status()).toBe(201);
  const body = await r.json();
  return { token: body.token, code: body.ticket.code };
}

/** The officer's console: open the counter, call our ticket, serve and finish it. */
async function serveAtConsole(officer, code) {
  await officer.goto('/konsol');
  if (await officer.locator('a.card').count()) await officer.locator('a.card').first().click();
  await expect(officer.locator('#counter-state')).toBeVisible();
  if (await officer.getByRole('button', { name: 'Buka loket' }).isVisible()) {
    await officer.getByRole('button', { name: 'Buka loket' }).click();
  }
  await expect(officer.locator('#counter-state')).toHaveText('Buka');
  // Anyone left waiting in this queue by an earlier run is served first.
  for (let i = 0; i < 5; i++) {
    await officer.keyboard.press('n');
    await expect(officer.locator('#current-code')).toBeVisible();
    const current = await officer.locator('#current-code').textContent();
    await officer.keyboard.press('s');
    // Serving: the start button is gone (the console ignores keys while a request is out).
    await expect(officer.locator('#b-start')).toHaveCount(0);
    await officer.keyboard.press('f');
    await expect(officer.locator('#current-code')).toHaveCount(0);
    if (current === code) return;
  }
  throw new Error(`ticket ${code} was never called`);
}

async function answerAll(page, values) {
  for (let i = 0; i < 9; i++) {
    await page.locator(`#q-u${i + 1} input[value="${values[i]}"]`).check();
  }
}

test('a served visitor answers on a phone and the public IKM changes', async ({ browser, request }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run is enough; it uses phone and desktop sizes itself');

  const phoneCtx = await browser.newContext(PHONE);
  const phone = await phoneCtx.newPage();
  await phone.goto('/mpp/kota-bogor');
  await phone.locator('#ikm-link').click();
  await expect(phone.locator('h1')).toHaveText('Indeks Kepuasan Masyarakat');
  const before = await count(phone.locator('#respondents'));

  const { token, code } = await takeTicket(request);
  await phone.goto(`/tiket/${token}`);
  await expect(phone.locator('#status')).toHaveText('Menunggu giliran');
  await expect(phone.locator('#survey')).toBeHidden();

  const consoleCtx = await browser.newContext(DESKTOP);
  const officer = await consoleCtx.newPage();
  await signIn(officer, OFFICER, '/konsol');
  await serveAtConsole(officer, code);

  // The open my-ticket page offers the survey as soon as the visit is served.
  await expect(phone.locator('#status')).toHaveText('Sudah dilayani');
  await expect(phone.locator('#survey')).toBeVisible();
  await expect(phone.locator('#survey img')).toHaveAttribute('src', `/tiket/${token}/survei/qr.svg`);
  await phone.reload();
  await expect(phone.locator('#survey-link')).toBeVisible();
  await phoneShot(phone, info, 'my-ticket-survey');
  const qr = await request.get(`/tiket/${token}/survei/qr.svg`);
  expect(qr.headers()['content-type']).toBe('image/svg+xml');

  await phone.locator('#survey-link').click();
  await expect(phone).toHaveURL(new RegExp(`/tiket/${token}/survei$`));
  await expect(phone.locator('h1')).toHaveText('Survei Kepuasan Masyarakat');
  await expect(phone.locator('fieldset.q legend .q-code')).toHaveCount(9);
  await expect(phone.locator('#q-u8 legend')).toContainText('Penanganan pengaduan, saran dan masukan');
  await expect(phone.locator('#q-u9 .opt').first()).toContainText('Buruk');
  await phoneShot(phone, info, 'survey-form');

  // Two answers only: the others are named, what was chosen stays chosen.
  await phone.locator('#q-u1 input[value="4"]').check();
  await phone.locator('#q-u9 input[value="3"]').check();
  await phone.locator('#f-suggestion').fill('Kursi ruang tunggu BPJS kurang.');
  await phone.locator('#survey-submit').click();
  await expect(phone.locator('#error-summary')).toContainText('U2 Sistem, mekanisme, dan prosedur');
  await expect(phone.locator('#e-u2')).toHaveText('Pilih salah satu dari empat jawaban.');
  await expect(phone.locator('#e-u1')).toHaveCount(0);
  await expect(phone.locator('#q-u1 input[value="4"]')).toBeChecked();
  await expect(phone.locator('#f-suggestion')).toHaveValue('Kursi ruang tunggu BPJS kurang.');
  await phoneShot(phone, info, 'survey-errors');

  await answerAll(phone, [4, 3, 3, 4, 3, 4, 4, 3, 3]);
  await phone.locator('#f-sex').selectOption('P');
  await phone.locator('#f-age_band').selectOption('30-39');
  await phone.locator('#survey-submit').click();
  await expect(phone.locator('#thanks')).toHaveText('Terima kasih!');
  await phoneShot(phone, info, 'survey-thanks');

  await phone.locator('#results-link').click();
  await expect(phone.locator('#respondents')).toHaveText(String(before + 1));
  await expect(phone.locator('#ikm-value')).toHaveText(/^\d{2,3},\d{2}$/);
  await expect(phone.locator('#ikm-grade')).toHaveText(/^[A-D]$/);
  await phoneShot(phone, info, 'ikm-results');

  // Once only.
  await phone.goto(`/tiket/${token}/survei`);
  await expect(phone.locator('#survey-notice')).toHaveText('Survei ini sudah diisi. Terima kasih atas penilaian Anda.');
  await phone.goto(`/tiket/${token}`);
  await expect(phone.locator('#survey-done')).toBeVisible();
  await expect(phone.locator('#survey')).toBeHidden();

  await officer.getByRole('button', { name: 'Tutup loket' }).click();
  await expect(officer.locator('#counter-state')).toHaveText('Tutup');
  for (const c of [phoneCtx, consoleCtx]) await c.close();
});

test('the counter tablet asks the visitor just served', async ({ browser, request }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run is enough');
  const ctx = await browser.newContext(DESKTOP);
  const officer = await ctx.newPage();
  await signIn(officer, OFFICER, '/konsol');
  await officer.goto('/konsol');
  if (await officer.locator('a.card').count()) await officer.locator('a.card').first().click();
  const href = await officer.locator('#tablet-link').getAttribute('href');
  expect(href).toMatch(/^\/konsol\/\d+\/survei$/);

  const tablet = await ctx.newPage();
  await tablet.goto(href);
  await expect(tablet.locator('#tb-waiting')).toBeVisible();
  await shot(tablet, info, 'tablet-waiting');

  const { code } = await takeTicket(request);
  await serveAtConsole(officer, code);
  await expect(tablet.locator('#tb-welcome')).toBeVisible({ timeout: 15_000 });
  await expect(tablet.locator('#tb-welcome')).toContainText(code);
  await shot(tablet, info, 'tablet-welcome');
  await tablet.locator('#tb-start').click();
  for (let i = 1; i <= 9; i++) {
    await expect(tablet.locator(`#tb-q-U${i}`)).toBeVisible();
    if (i === 1) await shot(tablet, info, 'tablet-question');
    await tablet.locator(`#tb-q-U${i} .tb-opt[data-v="${i === 4 ? 4 : 3}"]`).click();
  }
  await expect(tablet.locator('#tb-thanks')).toBeVisible();
  await shot(tablet, info, 'tablet-thanks');
  // Back to waiting; the visit is not offered again.
  await expect(tablet.locator('#tb-waiting')).toBeVisible({ timeout: 15_000 });
  await officer.getByRole('button', { name: 'Tutup loket' }).click();
  await ctx.close();

  // A visitor without a session cannot open the tablet.
  const anon = await browser.newPage();
  await anon.goto(href);
  await expect(anon).toHaveURL(/\/masuk/);
  await anon.close();
});

test('the code page refuses an unknown code with a clear message', async ({ browser }, info) => {
  for (const [size, opts] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    if (size !== info.project.name) continue;
    const ctx = await browser.newContext(opts);
    const page = await ctx.newPage();
    await page.goto('/survei');
    await expect(page.locator('h1')).toHaveText('Isi survei dengan kode');
    await shotAt(page, info, 'survey-code', size);
    await page.getByLabel('Kode survei').fill('skm 0000 0000');
    await page.getByRole('button', { name: 'Lanjutkan' }).click();
    await expect(page.locator('#e-kode')).toHaveText(
      'Kode survei ini tidak dikenal. Periksa kembali setiap huruf dan angka pada bukti layanan Anda.');
    await expect(page.getByLabel('Kode survei')).toHaveValue('skm 0000 0000');
    await shotAt(page, info, 'survey-code-unknown', size);
    await ctx.close();
  }
});

test('the manager follows up a suggestion, types in a paper survey and prints codes', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run is enough; it uses phone and desktop sizes itself');
  const ctx = await browser.newContext(DESKTOP);
  const page = await ctx.newPage();
  await signIn(page, 'manajer.bogor@demo.satuatap.id', '/admin/survei');
  await expect(page).toHaveURL(/\/admin\/survei/);
  await expect(page.locator('h1')).toHaveText('Survei kepuasan');
  await expect(page.locator('.sidenav a[aria-current=page]')).toHaveText('Survei kepuasan');
  await shot(page, info, 'admin-survey');

  // The suggestion from the phone test becomes a follow-up with an owner.
  const item = page.locator('#suggestions li', { hasText: 'Kursi ruang tunggu BPJS kurang.' });
  await item.locator('summary').click();
  const owner = await item.locator('option', { hasText: 'Petugas BPJS Kesehatan' }).first().getAttribute('value');
  await item.getByLabel('Penanggung jawab').selectOption(owner);
  await item.getByLabel('Rencana tindak lanjut').fill('Tambah kursi di ruang tunggu BPJS');
  await item.getByRole('button', { name: 'Jadikan tindak lanjut' }).click();
  await expect(page.locator('#saved')).toBeVisible();
  const fu = page.locator('#followups li', { hasText: 'Tambah kursi di ruang tunggu BPJS' });
  await expect(fu.locator('.badge')).toHaveText('Terbuka');
  await fu.locator('summary').click();
  await fu.getByLabel('Status').selectOption('in_progress');
  await fu.getByLabel('Catatan').fill('Pengadaan 10 kursi diajukan.');
  await fu.getByRole('button', { name: 'Simpan' }).click();
  const updated = page.locator('#followups li', { hasText: 'Tambah kursi di ruang tunggu BPJS' });
  await expect(updated.locator('.badge')).toHaveText('Dikerjakan');
  await expect(updated).toContainText('Pengadaan 10 kursi diajukan.');
  await expect(page.locator('#suggestions li', { hasText: 'Kursi ruang tunggu BPJS kurang.' })).toContainText('sudah ditindaklanjuti');
  await shot(page, info, 'admin-survey-followup');

  // A paper survey: the service is required; the answers stay while it is fixed.
  const respondents = await count(page.locator('#respondents'));
  await page.locator('#paper-link').click();
  await expect(page.locator('h1')).toHaveText('Input survei kertas');
  await answerAll(page, [3, 3, 3, 3, 3, 3, 3, 3, 3]);
  await page.locator('#paper-submit').click();
  await expect(page.locator('#e-service_id')).toHaveText('Wajib diisi.');
  await expect(page.locator('#q-u5 input[value="3"]')).toBeChecked();
  await page.locator('#f-service_id').selectOption({ index: 1 });
  await shot(page, info, 'admin-survey-paper');
  await page.locator('#paper-submit').click();
  await expect(page.locator('#saved')).toBeVisible();
  await page.goto('/admin/survei');
  await expect(page.locator('#respondents')).toHaveText(String(respondents + 1));

  // Codes to print; one of them, typed loosely on a phone, opens the survey once.
  await page.locator('#f-code-service').selectOption({ index: 1 });
  await page.locator('#f-count').fill('4');
  await page.locator('#f-note').fill('Berkas diambil 5 Februari');
  await page.getByRole('button', { name: 'Buat kode' }).click();
  await expect(page.locator('.slip')).toHaveCount(4);
  await expect(page.locator('.slip svg').first()).toBeVisible();
  await shot(page, info, 'admin-survey-codes');
  const code = (await page.locator('.slip-code').first().textContent()).trim();
  expect(code).toMatch(/^SKM-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

  // The same form on a desktop, with another code (not sent).
  const other = (await page.locator('.slip-code').nth(1).textContent()).trim();
  const desk = await ctx.newPage();
  await desk.goto(`/survei/kode/${other}`);
  await expect(desk.locator('fieldset.q legend .q-code')).toHaveCount(9);
  await shot(desk, info, 'survey-form');
  await desk.locator('#survey-submit').click();
  await expect(desk.locator('#error-summary li')).toHaveCount(9);
  await shot(desk, info, 'survey-errors');
  await desk.goto('/survei/terima-kasih?mpp=kota-bogor');
  await shot(desk, info, 'survey-thanks');

  const phoneCtx = await browser.newContext(PHONE);
  const phone = await phoneCtx.newPage();
  await phone.goto('/survei');
  await phone.getByLabel('Kode survei').fill(code.toLowerCase().replace(/-/g, ' '));
  await phone.getByRole('button', { name: 'Lanjutkan' }).click();
  await expect(phone).toHaveURL(new RegExp(`/survei/kode/${code}$`));
  await answerAll(phone, [4, 4, 4, 4, 4, 4, 4, 4, 4]);
  await phone.locator('#survey-submit').click();
  await expect(phone.locator('#thanks')).toBeVisible();
  await phone.goto(`/survei/kode/${code}`);
  await expect(phone.locator('#survey-notice')).toContainText('sudah diisi');
  await phoneShot(phone, info, 'survey-answered');
  // The admin page on a phone.
  await signIn(phone, 'manajer.bogor@demo.satuatap.id', '/admin/survei');
  await expect(phone.locator('#followups')).toContainText('Tambah kursi di ruang tunggu BPJS');
  await phoneShot(phone, info, 'admin-survey');
  await phone.goto('/admin/survei/kertas');
  await phoneShot(phone, info, 'admin-survey-paper');
  await phoneCtx.close();
  await ctx.close();
});

test('results: print view, CSV, national page and English', async ({ browser, request }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run is enough; it uses phone and desktop sizes itself');
  for (const [size, opts] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    const ctx = await browser.newContext(opts);
    const page = await ctx.newPage();
    await page.goto('/mpp/kota-bogor/ikm');
    await expect(page.locator('#elements li')).toHaveCount(9);
    await expect(page.locator('#weakest li')).toHaveCount(3);
    await expect(page.locator('#providers')).toContainText('BPJS Kesehatan');
    await expect(page.locator('#services')).toBeVisible();
    await shotAt(page, info, 'ikm', size);
    await page.locator('#providers a', { hasText: 'BPJS Kesehatan' }).click();
    await expect(page.locator('.lead')).toContainText('BPJS Kesehatan');
    await shotAt(page, info, 'ikm-provider', size);
    await page.goto('/ikm');
    await expect(page.locator('#mpps')).toContainText('Kota Bogor');
    await shotAt(page, info, 'ikm-national', size);
    await page.goto('/mpp/kota-bogor/ikm');
    await page.getByRole('link', { name: 'English' }).click();
    await expect(page.locator('h1')).toHaveText('Community Satisfaction Index');
    await expect(page.locator('#ikm-value')).toHaveText(/^\d{2,3}\.\d{2}$/);
    await shotAt(page, info, 'ikm-english', size);
    await ctx.close();
  }
  // The printed report, on A4 paper (about 794 CSS pixels wide).
  const paper = await browser.newContext({ viewport: { width: 794, height: 1123 } });
  const print = await paper.newPage();
  await print.emulateMedia({ media: 'print' });
  await print.goto('/mpp/kota-bogor/ikm/cetak?noprint');
  await expect(print.locator('.report-head')).toContainText('Nomor 14 Tahun 2017');
  await expect(print.locator('header.top')).toBeHidden();
  await expect(print.locator('#period-form')).toBeHidden();
  await shot(print, info, 'ikm-print-a4');
  await paper.close();

  const csv = await request.get('/mpp/kota-bogor/ikm.csv?periode=2027-Q1');
  expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
  expect(csv.headers()['content-disposition']).toBe('attachment; filename="ikm-kota-bogor-2027-Q1.csv"');
  const lines = (await csv.text()).trim().split('\r\n');
  expect(lines[0]).toBe('period,from,to,section,id,name,provider,respondents,served,required_sample,sample_reached,nrr,ikm,grade');
  expect(lines[1]).toMatch(/^2027-Q1,2027-01-01,2027-03-31,total,kota-bogor,/);
  expect(lines.filter((l) => l.includes(',element,'))).toHaveLength(9);
});
