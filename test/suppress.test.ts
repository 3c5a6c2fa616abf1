// Suppressions: inline comments on a chain, a --suppressions file, and what each output keeps.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { checkPatch } from '../src/patch/check.js';
import { renderJson } from '../src/report/json.js';
import { renderSarif } from '../src/report/sarif.js';
import { SuppressionError, applySuppressions, inlineSuppression, parseSuppressions, treeLineReader } from '../src/report/suppress.js';
import { renderText } from '../src/report/text.js';
import type { Report } from '../src/report/types.js';
import { RULES } from '../src/rules/index.js';
import { scan } from '../src/scan.js';
import { type CliRun, runCli } from './support/cli.js';
import { schemaErrors } from './support/sarif-schema.js';

const SEED = 'fixtures/ipi-cycle/seed-shaped';
const ABBA = 'fixtures/lock-cycle/abba-two-files';
const work = mkdtempSync(path.join(tmpdir(), 'kdeadlock-suppress-'));
after(() => rmSync(work, { recursive: true, force: true }));
const kdeadlock = (...args: string[]): CliRun => runCli(path.join(work, 'cache'), ...args);

describe('inline suppressions', () => {
  it('read the rules and the reason in any comment style', () => {
    assert.equal(inlineSuppression('\tspin_lock(&a); /* kdeadlock: ignore lock-cycle — under rtnl */', 'lock-cycle'), 'under rtnl');
    assert.equal(inlineSuppression('// kdeadlock: ignore ipi-cycle, lock-cycle -- init only', 'lock-cycle'), 'init only');
    assert.equal(inlineSuppression('/* kdeadlock: ignore lock-cycle */', 'lock-cycle'), '');
    assert.equal(inlineSuppression('/* kdeadlock: ignore ipi-cycle: other */', 'lock-cycle'), null);
    assert.equal(inlineSuppression('spin_lock(&a);', 'lock-cycle'), null);
  });
});

describe('--suppressions files', () => {
  it('read fingerprints and functions, with reasons and comments', () => {
    const list = parseSuppressions('# triaged\nfingerprint 497ecf4d7e449836e92d159a341dfc6f  known, see thread\n\nfunction xbar_unlink\n', 'kd.supp');
    assert.deepEqual(list.fingerprints.get('497ecf4d7e449836e92d159a341dfc6f'), { reason: 'known, see thread', where: 'kd.supp:2' });
    assert.deepEqual(list.functions.get('xbar_unlink'), { reason: '', where: 'kd.supp:4' });
  });

  it('refuse a malformed line with its place, on one line', () => {
    for (const bad of ['fingerprint xyz', 'function 9lives', 'ignore everything', 'fingerprint']) {
      assert.throws(() => parseSuppressions(`# ok\n${bad}\n`, 'f'), (err: Error) => err instanceof SuppressionError && /^f:2: /.test(err.message) && !err.message.includes('\n'));
    }
  });

  it('never fail on any text but with a SuppressionError, and give back what they were given', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      try { parseSuppressions(text, 'f'); } catch (err) { if (!(err instanceof SuppressionError)) throw err; }
    }), { numRuns: 500 });
    const entry = fc.oneof(
      fc.tuple(fc.constant('fingerprint'), fc.stringMatching(/^[0-9a-f]{32}$/)),
      fc.tuple(fc.constant('function'), fc.stringMatching(/^[A-Za-z_]\w{0,20}$/)),
    );
    const reason = fc.stringMatching(/^[^\n\r]{0,40}$/);
    fc.assert(fc.property(fc.array(fc.tuple(entry, reason), { maxLength: 10 }), (entries) => {
      const text = entries.map(([[kind, value], why]) => `${kind} ${value} ${why}`).join('\n');
      const list = parseSuppressions(text, 'f');
      for (const [[kind, value]] of entries) assert.ok((kind === 'fingerprint' ? list.fingerprints : list.functions).has(value));
    }), { numRuns: 300 });
  });
});

describe('suppressed findings', () => {
  it('leave the findings for `suppressed`, counted in text, kept in JSON and in SARIF with a suppression', async () => {
    const report = await scan({ root: SEED, paths: [], arch: 'x86' });
    const [finding] = report.findings;
    assert.ok(finding);
    const list = parseSuppressions(`fingerprint ${finding.fingerprint} reviewed on the list\n`, 'kd.supp');
    const out = applySuppressions(report, treeLineReader(SEED), list);
    assert.equal(out.findings.length, 0);
    assert.deepEqual(out.suppressed?.map((f) => f.suppression), [{ kind: 'file', reason: 'reviewed on the list', where: 'kd.supp:1' }]);
    assert.match(renderText(out, { color: false }), /0 findings; 1 suppressed \(1 by --suppressions\)/);
    assert.equal((JSON.parse(renderJson(out)) as Report).suppressed?.length, 1);
    const sarif = JSON.parse(renderSarif(out, { rules: RULES.map((r) => r.meta) })) as { runs: { results: { suppressions?: unknown[] }[] }[] };
    assert.deepEqual(schemaErrors(sarif), []);
    assert.deepEqual(sarif.runs[0]?.results[0]?.suppressions, [{ kind: 'external', status: 'accepted', justification: 'reviewed on the list (kd.supp:1)' }]);
  });

  it('by function: any chain through it', async () => {
    const report = await scan({ root: ABBA, paths: [], arch: 'x86' });
    const out = applySuppressions(report, treeLineReader(ABBA), parseSuppressions('function xbar_unlink\n', 'f'));
    assert.ok(report.findings.length > 0);
    assert.equal(out.findings.length + (out.suppressed?.length ?? 0), report.findings.length);
    for (const f of out.suppressed ?? []) assert.ok(f.cpus.some((c) => c.chain.some((s) => s.function === 'xbar_unlink')));
    for (const f of out.findings) assert.ok(!f.cpus.some((c) => c.chain.some((s) => s.function === 'xbar_unlink')));
  });

  it('exit 0 from the CLI when every finding is suppressed; a bad file is exit 2', () => {
    const supp = path.join(work, 'all.supp');
    writeFileSync(supp, '# everything in the seed\nfunction fork_task_table  reviewed\n');
    const r = kdeadlock('scan', '--root', SEED, '--suppressions', supp);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 suppressed/);
    writeFileSync(supp, 'fingerprint nothex\n');
    const bad = kdeadlock('scan', '--root', SEED, '--suppressions', supp, '-o', path.join(work, 'never.txt'));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^kdeadlock: --suppressions .*all\.supp:1: expected/);
    assert.throws(() => readFileSync(path.join(work, 'never.txt')));
  });

  it('a deadlock a patch adds with an inline suppression is not new', async () => {
    const patch = readFileSync('test/patches/trylock-to-lock.patch', 'utf8');
    const plain = await checkPatch({ root: 'fixtures/lock-cycle/trylock', paths: [], arch: 'x86' }, patch, 'p');
    assert.ok(plain.result.newFindings.length > 0);
    // The same patch with a suppression comment on the line it adds.
    const added = patch.split('\n').find((l) => l.startsWith('+') && !l.startsWith('+++') && /lock\(/.test(l));
    assert.ok(added, 'the patch adds a lock call');
    const suppressed = patch.replace(added, `${added} /* kdeadlock: ignore lock-cycle — test */`);
    const { result } = await checkPatch({ root: 'fixtures/lock-cycle/trylock', paths: [], arch: 'x86' }, suppressed, 'p');
    assert.equal(result.newFindings.length, 0);
    assert.equal(result.suppressed?.length, plain.result.newFindings.length);
  });
});
