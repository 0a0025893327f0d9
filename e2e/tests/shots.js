// Screenshots kept as CI artifacts: artifacts/screenshots/<size>/<name>.png
// (<size> is the project's name unless a test shoots another size itself).
const path = require('path');

async function shot(page, info, name, size) {
  const file = path.join(__dirname, '..', '..', 'artifacts', 'screenshots', size || info.project.name, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
}

module.exports = { shot };
