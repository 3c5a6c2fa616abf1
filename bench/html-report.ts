// Prints the size of an HTML report of N findings and how long headless Chromium takes to draw
// its index, and then one finding, measured in one run. The findings are a real report's,
// repeated (with distinct fingerprints) up to N.
//   npm run bench:html -- REPORT.json [--findings 1000] [--out DIR]
//   kdeadlock scan --root ~/linux --config ~/linux/.config --format json -o whole.json
//   npm run bench:html -- whole.json
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtml } from '../src/report/html.js';
import type { Finding, Report } from '../src/report/types.js';
import { RULES } from '../src/rules/index.js';
import { launchChromium } from '../test/support/chromium.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? (args.splice(at, 2)[1] as string) : fallback;
};
const wanted = Number(option('--findings', '1000'));
const out = path.resolve(option('--out', 'test-output'));
const [reportFile] = args;
if (!reportFile || !Number.isInteger(wanted) || wanted < 1) {
  console.error('usage: bench/html-report.ts REPORT.json [--findings N] [--out DIR]');
  process.exit(2);
}

const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
if (report.findings.length === 0) throw new Error(`${reportFile} has no findings to repeat`);
const findings: Finding[] = Array.from({ length: wanted }, (_, i) => {
  const f = report.findings[i % report.findings.length] as Finding;
  return i < report.findings.length ? f : { ...f, fingerprint: `${f.fingerprint}-${i}` };
});

const t0 = performance.now();
const html = renderHtml({ ...report, findings }, { rules: RULES.map((r) => r.meta), linkTemplate: '{path}#L{line}' });
const renderMs = performance.now() - t0;
mkdirSync(out, { recursive: true });
const file = path.join(out, `html-report-${wanted}.html`);
writeFileSync(file, html);

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const t1 = performance.now();
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="1"]');
  const loadMs = performance.now() - t1;
  const indexMs = await page.evaluate(() => (window as unknown as { kdRenderedMs: number }).kdRenderedMs);
  const rows = await page.locator('tr.finding').count();
  const t2 = performance.now();
  await page.locator('tr.finding').first().click();
  await page.locator('tr.detail svg').waitFor();
  const openMs = performance.now() - t2;
  const screenshot = path.join(out, `html-report-${wanted}.png`);
  await page.screenshot({ path: screenshot });
  console.log(`findings ${rows} (from ${report.findings.length} real ones in ${reportFile})`);
  console.log(`html ${(html.length / 1e6).toFixed(2)} MB, written in ${renderMs.toFixed(0)} ms: ${file}`);
  console.log(`index drawn ${indexMs.toFixed(0)} ms after navigation start (page load to ready ${loadMs.toFixed(0)} ms; target < 2000 ms)`);
  console.log(`one finding opened and drawn in ${openMs.toFixed(0)} ms`);
  console.log(`screenshot: ${screenshot}`);
} finally {
  await browser.close();
}
