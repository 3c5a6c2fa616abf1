import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulate } from '../src/deadlock/simulate.js';
import type { DepEdge, HoldMode, WaitMode } from '../src/deadlock/types.js';

let witness = 0;
const edge = (from: string, holdMode: HoldMode, to: string, waitMode: WaitMode, extra: Partial<DepEdge> = {}): DepEdge => ({
  from, to, holdMode, waitMode, waitSpins: true, irqsOff: holdMode === 'irqs-off', fn: 0,
  hold: witness++, wait: witness++, alsoHeld: [], reasons: [], ...extra,
});

describe('simulate', () => {
  it('proves the seed: reader holds, page-table lock holder waits for IPI, writer spins with irqs off', () => {
    const v = simulate([
      edge('IPI', 'irqs-off', 'tasklist_lock', 'write'),
      edge('tasklist_lock', 'read', 'ptl', 'write'),
      edge('ptl', 'write', 'IPI', 'ipi'),
    ]);
    assert.equal(v.feasible, true);
    assert.equal(v.needsWriterFairness, false);
    assert.deepEqual(v.steps.map((s) => `${s.cpu}${s.phase}`), ['0hold', '1hold', '2hold', '0wait', '1wait', '2wait']);
  });

  it('one CPU taking a class it holds blocks on itself, unless both are reads', () => {
    const v = simulate([edge('L', 'write', 'L', 'write')]);
    assert.equal(v.feasible, true);
    assert.deepEqual(v.steps.map((s) => `${s.cpu}${s.phase}`), ['0hold', '0wait']);
    assert.equal(simulate([edge('L', 'read', 'L', 'write')]).feasible, true);
    assert.equal(simulate([edge('L', 'read', 'L', 'read')]).feasible, false);
  });

  it('read-read does not block', () => {
    const v = simulate([edge('R', 'read', 'S', 'write'), edge('S', 'write', 'R', 'read')]);
    assert.equal(v.feasible, false);
  });

  it('a reader blocks behind a queued writer only as the fairness variant', () => {
    const v = simulate([
      edge('R', 'read', 'S', 'write'),
      edge('S', 'write', 'T', 'write'),
      edge('T', 'write', 'R', 'read'),
    ]);
    assert.equal(v.feasible, false, 'no writer waits for R: readers share');
    const w = simulate([edge('R', 'read', 'S', 'write'), edge('S', 'write', 'R', 'write')]);
    assert.equal(w.feasible, true);
  });

  it('a gate lock held on both CPUs makes the scenario impossible', () => {
    const gate = [{ lock: 'G', mode: 'write' as const }];
    const v = simulate([edge('A', 'write', 'B', 'write', { alsoHeld: gate }), edge('B', 'write', 'A', 'write', { alsoHeld: gate })]);
    assert.equal(v.feasible, false);
    assert.match(v.notes[0] ?? '', /gate lock/);
  });

  it('one op that disables irqs and spins is one step', () => {
    const merged = edge('IPI', 'irqs-off', 'L', 'write');
    merged.hold = merged.wait;
    const v = simulate([merged, edge('L', 'write', 'IPI', 'ipi')]);
    assert.equal(v.feasible, true);
    assert.deepEqual(v.steps.map((s) => `${s.cpu}${s.phase}`), ['1hold', '0hold+wait', '1wait']);
  });
});
