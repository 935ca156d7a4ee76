/**
 * Screenshots of the transaction inspector for the README (docs/inspector.png, a successful
 * Anchor-style transaction with a CPI; docs/inspector-failure.png, a program's access violation
 * with its DWARF source line), taken by headless Chromium (Debian's `chromium`):
 * `npx tsx scripts/inspector-screenshots.ts`.
 */
import { launchChromium } from '../test/helpers/chromium.js';
import { counterInitialize, deploy, profiledSvm, send } from '../test/helpers/inspector-runs.js';

const docs = new URL('../docs/', import.meta.url);

async function failurePage(): Promise<string> {
  const { svm, payer } = await profiledSvm();
  const program = await deploy(svm, 'debuginfo');
  // data[0] = 1: a store through a bad pointer three calls deep, in math.c.
  return (await send(svm, payer, [{ programAddress: program, accounts: [], data: Uint8Array.of(1, 5, 6) }])).report();
}

const pages = { 'inspector.png': (await counterInitialize()).result.report(), 'inspector-failure.png': await failurePage() };
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  for (const [name, html] of Object.entries(pages)) {
    await page.setContent(html);
    await page.screenshot({ path: new URL(name, docs).pathname, fullPage: true });
    console.log(`wrote docs/${name}`);
  }
} finally {
  await browser.close();
}
