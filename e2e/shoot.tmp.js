const { chromium } = require('@playwright/test');
(async () => {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const base = 'http://127.0.0.1:8080';
  const sizes = { phone: { width: 393, height: 851 }, desk: { width: 1366, height: 900 } };
  const pages = JSON.parse(process.argv[2]);
  for (const [who, list] of Object.entries(pages)) {
    for (const [sz, vp] of Object.entries(sizes)) {
      const ctx = await b.newContext({ viewport: vp, baseURL: base });
      const p = await ctx.newPage();
      if (who !== 'anon') {
        await p.goto('/masuk');
        await p.getByLabel('Email').fill(who);
        await p.getByLabel('Kata sandi').fill('satuatap-demo');
        await p.getByRole('button', { name: 'Masuk' }).click();
        await p.waitForLoadState();
      }
      for (const [name, url] of list) {
        await p.goto(url);
        await p.screenshot({ path: `/tmp/shots/${name}-${sz}.png`, fullPage: true });
      }
      await ctx.close();
    }
  }
  await b.close();
})();
