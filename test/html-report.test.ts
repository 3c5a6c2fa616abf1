// The HTML report in a real browser (headless Chromium), the DOT export through Graphviz.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { checkPatch } from '../src/patch/check.js';
import { renderHtml, renderPatchHtml } from '../src/report/html.js';
import type { Report } from '../src/report/types.js';
import { RULES } from '../src/rules/index.js';
import { scan } from '../src/scan.js';
import { browserMissing, launchChromium } from './support/chromium.js';
import { type CliRun, runCli } from './support/cli.js';

const SEED = 'fixtures/ipi-cycle/seed-shaped';
const ABBA = 'fixtures/lock-cycle/abba-two-files';
const LINKS = 'https://elixir.bootlin.com/linux/v6.1/source/{path}#L{line}';
/** Where the screenshots go: kept after the run, for people to look at. */
const OUTPUT = path.resolve('test-output');

const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-html-'));
after(() => rmSync(work, { recursive: true, force: true }));

const options = { rules: RULES.map((r) => r.meta), linkTemplate: LINKS };

/** The seed's report with the AB-BA fixture's findings added: two rules to filter between. */
async function twoRuleReport(): Promise<Report> {
  const seed = await scan({ root: SEED, paths: [], arch: 'x86' });
  const abba = await scan({ root: ABBA, paths: [], arch: 'x86' });
  assert.equal(seed.findings.length, 1);
  assert.ok(abba.findings.length > 0);
  return { ...seed, findings: [...seed.findings, ...abba.findings] };
}

const kdeadlock = (...args: string[]): CliRun => runCli(path.join(work, 'cache'), ...args);

describe('HTML report, as a file', () => {
  it('fetches nothing: no external script, style, image or font', async () => {
    const html = renderHtml(await twoRuleReport(), options);
    assert.doesNotMatch(html, /<script[^>]*\ssrc=/i);
    assert.doesNotMatch(html, /<link\b/i);
    assert.doesNotMatch(html, /<(img|iframe|source|video|audio|embed|object)\b[^>]*\s(src|data)=["']?https?:/i);
    assert.doesNotMatch(html, /url\(\s*["']?https?:/i);
    assert.doesNotMatch(html, /@import|@font-face/i);
    assert.doesNotMatch(html, /\s(src|href)=["']?(https?:)?\/\//i);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });

  it('is the same bytes for the same report', async () => {
    const report = await twoRuleReport();
    assert.equal(renderHtml(report, options), renderHtml(report, options));
  });

  it('cannot be broken out of by the text of a finding', async () => {
    const report = await twoRuleReport();
    const evil = { ...report, findings: [{ ...report.findings[0]!, message: '</script><script>alert(1)</script>' }] };
    const html = renderHtml(evil, options);
    assert.equal(html.match(/<\/script>/g)?.length, 2, 'only the data and the code elements close');
  });
});

describe('HTML report in headless Chromium', { skip: browserMissing() ?? false }, () => {
  let report: Report;
  before(async () => { report = await twoRuleReport(); });

  it('draws the cycle, the CPU columns and links; filters by rule; fetches nothing', async () => {
    const file = path.join(work, 'report.html');
    writeFileSync(file, renderHtml(report, options));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-ready="1"]');
      assert.equal(await page.locator('tr.finding').count(), report.findings.length);

      const seedRow = page.locator('tr.finding[data-rule="ipi-cycle"]');
      await seedRow.click();
      const detail = page.locator('tr.detail');
      await detail.locator('svg').waitFor();
      const nodes = await detail.locator('g.node').evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset.resource));
      assert.deepEqual(nodes?.sort(), ['IPI', 'proclist_lock', 'tbl_page.ptl']);
      assert.equal(await detail.locator('g.edge').count(), 3);
      const cpus = await detail.locator('th.cpu').evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset.function));
      assert.deepEqual(cpus, ['fork_task_table', 'collect_region_procs', 'fault_copy_entry']);
      assert.ok(await detail.locator('td.irqs-off').count() > 0, 'the irqs-disabled span is shaded');

      const link = await detail.locator('td.step a.src').first().getAttribute('href');
      assert.match(link ?? '', /^https:\/\/elixir\.bootlin\.com\/linux\/v6\.1\/source\/[\w/.-]+\.[ch]#L\d+$/);
      const chain = detail.locator('details.chain').first();
      await chain.locator('summary').click();
      assert.ok(await chain.locator('li').count() > 0, 'the call chain opens on demand');

      await page.locator('button.doc').first().click();
      assert.match(await page.locator('dialog#rule-doc').innerText(), /How to fix|fix/i);
      await page.keyboard.press('Escape');

      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: path.join(OUTPUT, 'html-report-seed.png'), fullPage: true });

      await page.locator('input[name="rule"][value="lock-cycle"]').uncheck();
      assert.equal(await page.locator('tr.finding[data-rule="lock-cycle"]').count(), 0);
      assert.equal(await page.locator('tr.finding[data-rule="ipi-cycle"]').count(), 1);
      await page.locator('input[name="rule"][value="lock-cycle"]').check();
      await page.locator('#f-lock').fill('xbar_list_lock');
      assert.equal(await page.locator('tr.finding').count(), report.findings.filter((f) => f.resources.includes('xbar_list_lock')).length);
      await page.locator('#f-lock').fill('');
      await page.locator('#f-group').selectOption('subsystem');
      assert.ok(await page.locator('section.group[data-group="drivers/xbar"]').count() === 1);

      assert.deepEqual(errors, []);
      assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), []);
    } finally {
      await browser.close();
    }
  });

  it('shows a queued writer as a column of its own, not as an arrow of the cycle', async () => {
    const report = await scan({ root: 'fixtures/lock-cycle/reader-behind-writer', paths: [], arch: 'x86' });
    const file = path.join(work, 'writer.html');
    writeFileSync(file, renderHtml(report, options));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-ready="1"]');
      await page.locator('tr.finding').first().click();
      const detail = page.locator('tr.detail');
      await detail.locator('svg').waitFor();
      assert.equal(await detail.locator('g.edge').count(), 2, 'the two CPUs of the cycle');
      const cpus = await detail.locator('th.cpu').evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset.function));
      assert.deepEqual(cpus, ['rtab_lookup', 'rtab_dump_stats', 'rtab_insert']);
      assert.match(await detail.locator('th.cpu').nth(2).innerText(), /writer off the cycle/);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  it('marks check-patch\'s fixed findings', async () => {
    const { result, after: patched } = await checkPatch({ root: SEED, paths: [], arch: 'x86' }, readFileSync('test/patches/seed-shaped-rcu.patch', 'utf8'), 'seed-shaped-rcu.patch');
    const file = path.join(work, 'patch.html');
    writeFileSync(file, renderPatchHtml(result, patched, options));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-ready="1"]');
      assert.equal(await page.locator('tr.finding .chip.fixed').count(), 1);
      assert.equal(await page.locator('tr.finding .chip.new').count(), 0);
      assert.match(await page.locator('#reviews').innerText(), /proclist_lock/);
    } finally {
      await browser.close();
    }
  });
});

describe('--format dot', () => {
  const graphviz = spawnSync('dot', ['-V'], { encoding: 'utf8' }).status === 0;
  const noGraphviz = graphviz ? false : process.env.CI ? false : 'no Graphviz installed (apt-get install graphviz)';

  it('is accepted by Graphviz', { skip: noGraphviz }, () => {
    const r = kdeadlock('scan', '--root', SEED, '--format', 'dot');
    assert.equal(r.code, 0, r.stderr);
    const svg = spawnSync('dot', ['-Tsvg'], { input: r.stdout, encoding: 'utf8' });
    assert.equal(svg.status, 0, svg.stderr);
    assert.match(svg.stdout, /<svg/);
    for (const n of ['IPI', 'proclist_lock', 'tbl_page.ptl']) assert.ok(svg.stdout.includes(n), n);
  });

  it('keeps one class and its neighbours with --focus; edges carry the witness function', () => {
    const all = kdeadlock('scan', '--root', ABBA, '--format', 'dot');
    const focused = kdeadlock('scan', '--root', ABBA, '--format', 'dot', '--focus', 'xbar_port.lock');
    assert.equal(focused.code, 0, focused.stderr);
    const edges = (dot: string) => dot.split('\n').filter((l) => /^\s+"[^"]*" -> "/.test(l));
    assert.ok(edges(focused.stdout).length > 0);
    assert.ok(edges(focused.stdout).length < edges(all.stdout).length);
    for (const e of edges(focused.stdout)) assert.ok(e.includes('"xbar_port.lock"'), e);
    assert.ok(edges(focused.stdout).some((e) => e.includes('xbar_stats_fold_port()')));
  });

  it('refuses a --link-template without {path}, with exit 2', () => {
    const r = kdeadlock('scan', '--root', ABBA, '--format', 'html', '--link-template', 'https://example.org/');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^kdeadlock: --link-template https:\/\/example\.org\/: no \{path\} in it/);
  });

  it('refuses an unknown --focus, and --focus without --format dot, with exit 2', () => {
    const unknown = kdeadlock('scan', '--root', ABBA, '--format', 'dot', '--focus', 'no_such_lock');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^kdeadlock: --focus no_such_lock: no lock class/);
    const wrong = kdeadlock('scan', '--root', ABBA, '--focus', 'xbar_port.lock');
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--focus goes with --format dot/);
  });
});
