// Browser tests run the real `satuatap demo` binary on a fresh SQLite database
// and drive Debian's chromium (no browser download).
const { defineConfig, devices } = require('@playwright/test');

const port = process.env.E2E_PORT || '8765';
const bin = process.env.SATUATAP_BIN || '../target/debug/satuatap';

module.exports = defineConfig({
  testDir: './tests',
  timeout: 60_000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../artifacts/e2e-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'phone', use: { ...devices['Pixel 5'], browserName: 'chromium', defaultBrowserType: 'chromium' } },
    { name: 'desktop', use: { viewport: { width: 1366, height: 900 }, browserName: 'chromium' } },
  ],
  webServer: {
    // A Tuesday 09:00 WIB clock: the booking test checks in to the 09:30 slot.
    command: `rm -rf .e2e-data-${port} && ${bin} demo --data-dir .e2e-data-${port} --listen 127.0.0.1:${port} --clock 2027-02-02T09:00:00+07:00`,
    url: `http://127.0.0.1:${port}/readyz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
  },
});
