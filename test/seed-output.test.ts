// The seed-shaped fixture through every renderer: snapshots for the formats (reviewed by
// eye when they change: UPDATE_SNAPSHOTS=1), structural assertions on each, and fingerprint
// stability.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { renderMail } from '../src/report/mail.js';
import { renderSarif } from '../src/report/sarif.js';
import { renderText } from '../src/report/text.js';
import type { Report } from '../src/report/types.js';
import { RULES } from '../src/rules/index.js';
import { scan } from '../src/scan.js';

const SEED = path.resolve('fixtures/ipi-cycle/seed-shaped');
const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-seed-'));
after(() => rmSync(work, { recursive: true, force: true }));

function snapshot(name: string, text: string): void {
  const file = path.resolve('test/snapshots', name);
  if (process.env.UPDATE_SNAPSHOTS) writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), `${name} changed (UPDATE_SNAPSHOTS=1 to accept)`);
}

const seedReport = scan({ root: SEED, paths: [], arch: 'x86' });

describe('seed-shaped fixture output', () => {
  it('text: compiler line, lockdep table, chains', async () => {
    const text = renderText(await seedReport, { color: false });
    const lines = text.split('\n');
    assert.match(lines[0] ?? '', /^kernel\/fork\.c:33:2: error: \[ipi-cycle\] /);
    const header = lines.findIndex((l) => /^ +CPU0 +CPU1 +CPU2$/.test(l));
    assert.ok(header > 0);
    assert.match(lines[header + 1] ?? '', /^ +---- +---- +----$/);
    assert.ok(lines.includes('  *** DEADLOCK ***'));
    snapshot('seed-shaped.txt', text);
  });

  it('mail: 72 columns, lockdep layout', async () => {
    const mail = renderMail(await seedReport);
    for (const line of mail.split('\n')) assert.ok(line.length <= 72, `too wide: ${line}`);
    assert.match(mail, /Possible unsafe locking scenario/);
    snapshot('seed-shaped.mail.txt', mail);
  });

  it('sarif: one result, three thread flows', async () => {
    const sarif = renderSarif(await seedReport, { rules: RULES.map((r) => r.meta) });
    const log = JSON.parse(sarif) as { runs: { results: { codeFlows: { threadFlows: unknown[] }[]; partialFingerprints: Record<string, string> }[] }[] };
    const results = log.runs[0]?.results ?? [];
    assert.equal(results.length, 1);
    assert.equal(results[0]?.codeFlows[0]?.threadFlows.length, 3);
    assert.equal(results[0]?.partialFingerprints['kdeadlock/v2'], (await seedReport).findings[0]?.fingerprint);
    snapshot('seed-shaped.sarif', sarif);
  });
});

describe('fingerprints', () => {
  it('survive unrelated lines inserted above the finding', async () => {
    const moved = path.join(work, 'moved');
    cpSync(SEED, moved, { recursive: true });
    for (const file of ['kernel/fork.c', 'mm/poison.c', 'mm/walk.c', 'mm/fault.c']) {
      const abs = path.join(moved, file);
      writeFileSync(abs, `/* an unrelated comment */\n\n#include <linux/unrelated.h>\n${readFileSync(abs, 'utf8')}`);
    }
    const before = (await seedReport).findings[0];
    const after = (await scan({ root: moved, paths: [], arch: 'x86' })).findings[0];
    assert.ok(before && after);
    assert.equal(after.fingerprint, before.fingerprint);
    assert.equal(after.location.line, before.location.line + 3);
  });

  it('differ between different cycles', async () => {
    const others: Report[] = await Promise.all(['lock-cycle/abba-two-files', 'lock-cycle/three-locks']
      .map((d) => scan({ root: path.resolve('fixtures', d), paths: [], arch: 'x86' })));
    const all = [(await seedReport), ...others].flatMap((r) => r.findings.map((f) => f.fingerprint));
    assert.equal(new Set(all).size, all.length);
    assert.equal(all.length, 3);
  });
});
