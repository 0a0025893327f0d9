// Steps several tests share: signing in, and pairing a kiosk the way an MPP
// manager and the person setting up the kiosk would.
const { expect } = require('@playwright/test');

async function login(page, email, next) {
  await page.goto(next ? `/masuk?next=${encodeURIComponent(next)}` : '/masuk');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Kata sandi').fill('satuatap-demo');
  await page.getByRole('button', { name: 'Masuk' }).click();
}

// The manager registers a kiosk (Administrasi → Perangkat) and reads its code;
// the kiosk's browser opens /perangkat and types it. Returns the code.
async function pairKiosk(browser, kiosk, name) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const manager = await ctx.newPage();
  await login(manager, 'manajer.bogor@demo.satuatap.id', '/admin');
  await manager.getByRole('link', { name: 'Perangkat' }).click();
  await manager.getByLabel('Nama').fill(name);
  await manager.getByLabel('Jenis').selectOption('kiosk');
  await manager.getByRole('button', { name: 'Tambah dan buat kode pemasangan' }).click();
  const code = (await manager.locator('#pairing-code').textContent()).trim();
  await ctx.close();
  await kiosk.goto('/perangkat');
  await kiosk.getByLabel('Kode pemasangan').fill(code.toLowerCase().replace('-', ''));
  await kiosk.getByRole('button', { name: 'Pasangkan' }).click();
  await expect(kiosk).toHaveURL(/\/mpp\/kota-bogor\/kiosk$/);
  return code;
}

module.exports = { login, pairKiosk };
