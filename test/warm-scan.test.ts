// A scan of a tree whose files have not changed answers from the summary image the last scan
// left: the same report, byte for byte, without parsing or analysing; a changed file, other
// options or a damaged image send it back to the whole scan.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ScanOptions, type Timings, scan } from '../src/scan.js';
import { RACY_MS } from '../src/source/tree-index.js';

const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-warm-'));
after(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

/** A copy of a fixture whose files are older than the racy window (ctime too), and a fresh cache. */
async function setUp(fixture: string): Promise<{ root: string; cacheDir: string }> {
  const root = path.join(work, `tree-${n}`);
  const cacheDir = path.join(work, `cache-${n++}`);
  cpSync(fixture, root, { recursive: true });
  const old = new Date(Date.now() - 60_000);
  for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' })) utimesSync(path.join(root, f), old, old);
  await sleep(RACY_MS + 100);
  return { root, cacheDir };
}

async function timedScan(opts: ScanOptions): Promise<{ json: string; timings: Timings }> {
  const timings: Timings = {};
  const report = await scan(opts, timings);
  return { json: JSON.stringify(report), timings };
}

describe('warm scan', () => {
  it('answers an unchanged tree from the image, byte for byte', async () => {
    const { root, cacheDir } = await setUp('fixtures/ipi-cycle/seed-shaped');
    const opts: ScanOptions = { root, paths: [], arch: 'x86', cacheDir };
    const cold = await timedScan(opts);
    assert.ok('parse+facts' in cold.timings, 'the first scan parses');
    const warm = await timedScan(opts);
    assert.ok(!('parse+facts' in warm.timings), 'the second scan parses nothing');
    assert.equal(warm.json, cold.json);
    const noCache = await timedScan({ ...opts, cacheDir: null });
    assert.equal(noCache.json, cold.json, 'the same report without any cache');
  });

  it('analyses again when a file changed, or the options did', async () => {
    const { root, cacheDir } = await setUp('fixtures/ipi-cycle/seed-shaped');
    const opts: ScanOptions = { root, paths: [], arch: 'x86', cacheDir };
    const cold = await timedScan(opts);
    const file = path.join(root, 'kernel/fork.c');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/write_lock_irq\(&(\w+)\);/, 'write_lock(&$1);'));
    const changed = await timedScan(opts);
    assert.ok('parse+facts' in changed.timings, 'a changed file is read again');
    assert.notEqual(changed.json, cold.json, 'and the report follows it');
    const otherOptions = await timedScan({ ...opts, maxCycleLength: 4 });
    assert.ok('parse+facts' in otherOptions.timings, 'other options are another tree state');
  });

  it('an image that cannot be written is reported on stderr, and the scan stands', async () => {
    const { root, cacheDir } = await setUp('fixtures/ipi-cycle/seed-shaped');
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(path.join(cacheDir, 'images'), 'not a directory');
    const said: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => { said.push(String(chunk)); return true; }) as typeof process.stderr.write;
    let report;
    try {
      report = await scan({ root, paths: [], arch: 'x86', cacheDir });
    } finally {
      process.stderr.write = write;
    }
    assert.equal(report.findings.length, 1);
    assert.ok(said.some((l) => /warning: summary image not written/.test(l)), said.join(''));
  });

  it('a damaged image costs the whole scan, not the answer', async () => {
    const { root, cacheDir } = await setUp('fixtures/ipi-cycle/seed-shaped');
    const opts: ScanOptions = { root, paths: [], arch: 'x86', cacheDir };
    const cold = await timedScan(opts);
    const images = path.join(cacheDir, 'images');
    for (const image of readdirSync(images)) writeFileSync(path.join(images, image, 'report.json'), '{"schemaVersion":');
    const again = await timedScan(opts);
    assert.ok('parse+facts' in again.timings);
    assert.equal(again.json, cold.json);
  });
});
