// A function the analysis fails on is left out and listed as a problem; the scan goes on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysisContext, analyzeProgram, reportOf } from '../src/analysis/program-analysis.js';
import { loadTree } from '../src/analysis/tree.js';
import type { ScanOptions } from '../src/analysis/tree.js';
import { summarizeComponent } from '../src/summaries/bottom-up.js';

describe('analysis errors', () => {
  it('cost the failing function, not the scan', async () => {
    const opts: ScanOptions = { root: 'fixtures/recursive-locking/same-class-twice', paths: [], arch: 'x86' };
    const tree = await loadTree(opts);
    const a = analyzeProgram(tree.facts, opts);
    const fnId = (name: string): number => a.program.functions.findIndex((f) => f.name === name);
    const caller = fnId('frob_port_rebalance');
    const callee = fnId('frob_port_refill');
    assert.ok(caller >= 0 && callee >= 0);
    const before = reportOf(a, { problems: [], excludedByConfig: 0 }, opts).findings.length;
    assert.ok(before > 0);

    // Summaries that fail for one callee: the caller's analysis throws when it reads it.
    const ctx = analysisContext(a, opts);
    const real = ctx.summaries;
    ctx.summaries = { get: (fn) => { if (fn === callee) throw new Error('injected failure'); return real.get(fn); }, set: (fn, s) => real.set(fn, s), delete: (fn) => real.delete(fn) };
    a.collector.setOffers(caller, []);
    summarizeComponent(ctx, a.callGraph, [caller]);

    const problem = a.failed.get(caller);
    assert.equal(problem?.kind, 'analysis-error');
    assert.match(problem?.message ?? '', /^frob_port_rebalance\(\): injected failure$/);
    const report = reportOf(a, { problems: [], excludedByConfig: 0 }, opts);
    assert.ok(report.problems.some((p) => p.kind === 'analysis-error' && p.file.endsWith('ports.c')));
    assert.ok(report.findings.length > 0, 'the other functions are still reported');
  });
});
