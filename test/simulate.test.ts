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
    assert.deepEqual(v.writers, []);
    assert.deepEqual(v.steps.map((s) => `${s.cpu}${s.phase}`), ['0hold', '1hold', '2hold', '0wait', '1wait', '2wait']);
  });

  it('one CPU taking a class it holds blocks on itself; a second read only behind a queued writer', () => {
    const v = simulate([edge('L', 'write', 'L', 'write')]);
    assert.equal(v.feasible, true);
    assert.deepEqual(v.steps.map((s) => `${s.cpu}${s.phase}`), ['0hold', '0wait']);
    assert.equal(simulate([edge('L', 'read', 'L', 'write')]).feasible, true);
    assert.equal(simulate([edge('L', 'read', 'L', 'read')]).feasible, false, 'no writer of L');
    const writers = new Map([['L', edge('QUEUED-WRITER', 'write', 'L', 'write')]]);
    const again = simulate([edge('L', 'read', 'L', 'read')], writers);
    assert.equal(again.feasible, true);
    assert.deepEqual(again.steps.map((s) => `${s.cpu}${s.phase}`), ['0hold', '1wait', '0wait']);
    assert.equal(simulate([edge('L', 'read', 'L', 'recursive-read')], writers).feasible, false, 'a recursive read never queues');
  });

  it('read-read does not block without a writer', () => {
    const v = simulate([edge('R', 'read', 'S', 'write'), edge('S', 'write', 'R', 'read')]);
    assert.equal(v.feasible, false);
  });

  it('a reader in process context queues behind a writer waiting for its lock (qrwlock, rwsem)', () => {
    const cycle = [edge('R', 'read', 'S', 'write'), edge('S', 'write', 'T', 'write'), edge('T', 'write', 'R', 'read')];
    assert.equal(simulate(cycle).feasible, false, 'no writer waits for R: readers share');
    const writer = edge('QUEUED-WRITER', 'write', 'R', 'write');
    const v = simulate(cycle, new Map([['R', writer]]));
    assert.equal(v.feasible, true);
    assert.deepEqual(v.writers, [writer]);
    // The writer (CPU3) asks after CPU0 holds R for read, before CPU2 asks to read it.
    assert.deepEqual(v.steps.map((s) => `${s.cpu}${s.phase}`), ['0hold', '1hold', '2hold', '0wait', '1wait', '3wait', '2wait']);
    assert.match(v.notes.join(), /CPU2's read of R waits behind CPU3's queued write/);
    const interrupt = [edge('R', 'read', 'S', 'write'), edge('S', 'write', 'R', 'recursive-read')];
    assert.equal(simulate(interrupt, new Map([['R', writer]])).feasible, false, 'an interrupt-context reader does not queue');
    const w = simulate([edge('R', 'read', 'S', 'write'), edge('S', 'write', 'R', 'write')]);
    assert.equal(w.feasible, true);
  });

  it('a writer that holds a lock of the cycle cannot queue beside it', () => {
    const cycle = [edge('R', 'read', 'S', 'write'), edge('S', 'write', 'R', 'read')];
    const writer = edge('QUEUED-WRITER', 'write', 'R', 'write', { alsoHeld: [{ lock: 'S', mode: 'write' }] });
    const v = simulate(cycle, new Map([['R', writer]]));
    assert.equal(v.feasible, false);
    assert.match(v.notes[0] ?? '', /would both hold S/);
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
