// Screenshots kept as CI artifacts: artifacts/screenshots/<project>/<name>.png
const path = require('path');

async function shot(page, info, name) {
  const file = path.join(__dirname, '..', '..', 'artifacts', 'screenshots', info.project.name, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
}

module.exports = { shot };
