// The OSS help desk: a citizen on a phone finds Kota Bogor's desk, registers for
// a "Sosialisasi OSS" session and reads where to go; at the desk the manager
// sees the registration, records a consultation (the form says what is
// missing, in words) and finds the desk's figures on the dashboard.
const { test, expect, devices } = require('@playwright/test');
const { shot } = require('./shots');

async function login(page, email) {
  await page.goto('/masuk');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Kata sandi').fill('satuatap-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page).not.toHaveURL(/\/masuk/);
}

test('register for a Sosialisasi OSS on a phone, then the desk records a consultation', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'one run is enough; it uses phone and desktop sizes itself');
  const phoneCtx = await browser.newContext({ ...devices['Pixel 5'] });
  const phone = await phoneCtx.newPage();
  await phone.goto('/mpp/kota-bogor');
  await phone.locator('#oss-link').click();
  await expect(phone.locator('h1')).toHaveText('Help Desk OSS');
  await expect(phone.locator('#oss-where')).toContainText('Gerai 2');
  const first = phone.locator('#oss-session-list li').first();
  await expect(first).toContainText('Sosialisasi OSS: Mendaftar NIB dari Nol');
  await expect(first).toContainText('Februari 2027');
  await expect(first).toContainText('sisa 12 kursi');
  await shot(phone, info, 'oss-desk-public', 'phone');
  await first.getByRole('link', { name: 'Daftar', exact: true }).click();

  // Nothing typed: what is missing, in words.
  await phone.getByRole('button', { name: 'Daftar sesi ini' }).click();
  await expect(phone.locator('#error-summary')).toContainText('NIK');
  await phone.getByLabel('Nama lengkap').fill('Wulan Sari');
  await phone.getByLabel('NIK').fill('3271051205850777');
  await phone.getByLabel('Nomor ponsel').fill('0812 7000 1234');
  await shot(phone, info, 'oss-session-register', 'phone');
  await phone.getByRole('button', { name: 'Daftar sesi ini' }).click();

  // The confirmation says which session and which room.
  await expect(phone.locator('#booking-code')).toBeVisible();
  await expect(phone.locator('#booking-session')).toHaveText('Sosialisasi OSS: Mendaftar NIB dari Nol');
  await expect(phone.locator('.bk-pass')).toContainText('Ruang Serbaguna, Lantai 3');
  await expect(phone.locator('.bk-pass')).toContainText('13:00–15:00');
  await shot(phone, info, 'oss-session-booked', 'phone');
  await phoneCtx.close();

  // At the desk: the registration is there, the name masked.
  const deskCtx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const desk = await deskCtx.newPage();
  await login(desk, 'manajer.bogor@demo.satuatap.id');
  await desk.goto('/admin/oss');
  await expect(desk.locator('#oss-sessions')).toContainText('19 dari 30 terisi');
  await expect(desk.locator('#oss-follow-up-list')).toContainText('terlambat');
  await shot(desk, info, 'oss-desk-worklist', 'desktop');
  await desk.locator('#oss-sessions').getByRole('link', { name: 'Sosialisasi OSS: Mendaftar NIB dari Nol' }).click();
  await expect(desk.locator('#registrants')).toContainText('W*** S***');
  await shot(desk, info, 'oss-session-registrants', 'desktop');

  // A consultation: the form names what is missing, then records it.
  await desk.goto('/admin/oss/konsultasi/baru');
  await desk.getByRole('button', { name: 'Simpan konsultasi' }).click();
  await expect(desk.locator('#error-summary')).toContainText('Kegiatan usaha');
  await expect(desk.locator('#error-summary')).toContainText('Topik konsultasi');
  await desk.getByLabel('Kegiatan usaha').fill('Warung makan');
  await desk.getByLabel('Kode KBLI 2020').fill('56102');
  await desk.getByLabel('Topik').selectOption('registration');
  await desk.getByLabel('NIB terbit').check();
  await desk.getByLabel('NIB (13 angka)').fill('1270202000777');
  await shot(desk, info, 'oss-consultation-form', 'desktop');
  await desk.getByRole('button', { name: 'Simpan konsultasi' }).click();
  await expect(desk.locator('#flash')).toContainText('Konsultasi tercatat: NIB terbit');
  await expect(desk.locator('#oss-recent')).toContainText('NIB 1270202000777');

  // The manager's dashboard carries the desk's figures, at both sizes.
  await desk.goto('/admin');
  await expect(desk.locator('#dash-oss-figures')).toBeVisible();
  await shot(desk, info, 'oss-dashboard', 'desktop');
  await desk.setViewportSize({ width: 390, height: 844 });
  await desk.goto('/admin');
  await expect(desk.locator('#oss-nib')).toBeVisible();
  await shot(desk, info, 'oss-dashboard', 'phone');
  await deskCtx.close();
});
