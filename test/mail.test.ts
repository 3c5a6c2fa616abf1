import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MAIL_WIDTH, renderMail, wrap } from '../src/report/mail.js';
import { renderScenarioTable } from '../src/report/scenario.js';
import type { Report } from '../src/report/types.js';
import { FIXTURES_DATA, loadSampleReport } from './fixtures-data/sample.js';

const overlong = (text: string): string[] => text.split('\n').filter((l) => l.length > MAIL_WIDTH);

describe('mail format', () => {
  const text = renderMail(loadSampleReport());
  const lines = text.split('\n');

  it('keeps every line within 72 columns, with no tabs or colour', () => {
    assert.equal(MAIL_WIDTH, 72);
    assert.deepEqual(overlong(text), []);
    assert.doesNotMatch(text, /[\t\u001b]/);
    assert.ok(text.endsWith('\n'));
  });

  it('has a header per finding with rule and resources', () => {
    assert.ok(lines.includes('[1/2] ipi-cycle: tasklist_lock -> page.ptl -> IPI -> tasklist_lock'));
    assert.ok(lines.includes('[2/2] lock-cycle: foo_list_lock -> foo_dev.lock -> foo_list_lock'));
    assert.match(lines[0]!, /^kdeadlock 0\.1\.0 \(x86, both #if arms\): 2 possible deadlocks\.$/);
  });

  it('embeds the shared lockdep table rendered at 72 columns', () => {
    const table = renderScenarioTable(loadSampleReport().findings[0]!, 72);
    assert.ok(text.includes(table));
    assert.equal(lines.filter((l) => l === ' Possible unsafe locking scenario:').length, 2);
    assert.equal(lines.filter((l) => l === '  *** DEADLOCK ***').length, 2);
  });

  it('lists each CPU chain as function+file:line, indented by depth', () => {
    assert.ok(lines.includes('  collect_procs_anon+mm/memory-failure.c:526  read_lock(&tasklist_lock)'));
    assert.ok(lines.includes('    page_mapped_in_vma+mm/page_vma_mapped.c:312'));
    assert.ok(lines.includes('        map_pte+mm/page_vma_mapped.c:52  spin_lock(pvmw->ptl)'));
    // Too long for one line: the event goes below its frame.
    const frame = lines.indexOf('                  smp_call_function_many_cond+kernel/smp.c:998');
    assert.ok(frame > 0);
    assert.equal(lines[frame + 1], '                      csd_lock_wait(csd)');
    // The irqs-off step and the wait are one statement: printed once.
    assert.equal(lines.filter((l) => l.includes('copy_process+kernel/fork.c:2497')).length, 1);
    assert.ok(lines.some((l) => l.startsWith('CPU2 has irqs disabled')));
  });

  it('says when files were not analysed and when nothing was found', () => {
    assert.match(text, /1 file could not be analysed completely/);
    const empty: Report = { ...loadSampleReport(), findings: [], problems: [] };
    assert.equal(renderMail(empty), 'kdeadlock 0.1.0 (x86, both #if arms): no possible deadlock found.\n');
  });

  it('stays within 72 columns for long names, deep chains and many CPUs', () => {
    const r = loadSampleReport();
    const f = r.findings[0]!;
    f.message = 'x'.repeat(200) + ' ' + f.message;
    f.reasons.push('y'.repeat(120));
    f.cpus[1]!.chain.forEach((s, i) => (s.depth = i * 3));
    f.cpus[1]!.chain[0]!.function = 'a_really_long_function_name_'.repeat(4);
    f.cpus[0]!.chain[0]!.event = 'read_lock(&' + 'z'.repeat(90) + ')';
    // Seven CPUs: the shared table cannot fit 72 columns, so the list form is used.
    f.cpus = [...f.cpus, ...f.cpus, f.cpus[0]!].map((c, i) => ({ ...c, cpu: i }));
    f.interleaving = f.cpus.map((c) => ({ cpu: c.cpu, action: `lock(lock_${c.cpu});`, blocks: true }));
    const out = renderMail(r);
    assert.deepEqual(overlong(out), []);
    assert.ok(out.includes('       CPU6: lock(lock_6);'));
  });

  it('matches the snapshot', () => {
    const snapshot = new URL('sample-report.mail.txt', FIXTURES_DATA);
    if (process.env.UPDATE_SNAPSHOTS) writeFileSync(snapshot, text);
    assert.equal(text, readFileSync(snapshot, 'utf8'));
  });
});

describe('wrap', () => {
  it('wraps at word boundaries with a hanging indent and cuts overlong words', () => {
    assert.deepEqual(wrap('a b c'), ['a b c']);
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const out = wrap(words, '  ');
    assert.ok(out.length > 1);
    assert.ok(out.slice(1).every((l) => l.startsWith('  ')));
    assert.equal(out.join(' ').replace(/\s+/g, ' '), words);
    const long = wrap('q'.repeat(100));
    assert.equal(long.length, 1);
    assert.equal(long[0]!.length, 72);
    assert.deepEqual(wrap(''), ['']);
  });
});
