import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDependencyGraph, findCycles } from '../src/deadlock/graph.js';
import { canonicalRotation } from '../src/deadlock/findings.js';
import type { DepEdge } from '../src/deadlock/types.js';

const edge = (from: string, to: string): DepEdge => ({
  from, to, holdMode: 'write', waitMode: 'write', waitSpins: true, irqsOff: false, fn: 0, hold: 0, wait: 0, alsoHeld: [], reasons: [],
});
const graphOf = (pairs: string[]) => buildDependencyGraph(pairs.map((p) => edge(p[0] as string, p[1] as string)));
const sorted = (cycles: string[][]) => cycles.map((c) => canonicalRotation(c).join('')).sort();

describe('findCycles', () => {
  it('finds each elementary cycle once', () => {
    const g = graphOf(['AB', 'BA', 'BC', 'CA', 'CD']);
    assert.deepEqual(sorted(findCycles(g, 6, 100).cycles), ['AB', 'ABC']);
  });

  it('gives a self-loop as a one-CPU cycle (recursive locking), before the longer ones', () => {
    assert.deepEqual(findCycles(graphOf(['AA', 'AB']), 6, 100).cycles, [['A']]);
    assert.deepEqual(findCycles(graphOf(['AB', 'BA', 'BB']), 6, 100).cycles, [['B'], ['A', 'B']]);
    assert.deepEqual(findCycles(graphOf(['AA']), 6, 1), { cycles: [['A']], truncated: true });
  });

  it('respects the length bound', () => {
    const g = graphOf(['AB', 'BC', 'CD', 'DA', 'AC', 'CA']);
    assert.deepEqual(sorted(findCycles(g, 2, 100).cycles), ['AC']);
    assert.deepEqual(sorted(findCycles(g, 3, 100).cycles), ['ABC', 'AC', 'ACD']);
    assert.deepEqual(sorted(findCycles(g, 4, 100).cycles), ['ABC', 'ABCD', 'AC', 'ACD']);
  });

  it('searches cycles through a hard irq up to three resources (the two irq-inversion forms)', () => {
    const g = buildDependencyGraph([
      edge('l', 'HARDIRQ'), edge('HARDIRQ', 'l'),
      edge('b', 'HARDIRQ'), edge('HARDIRQ', 'a'), edge('a', 'b'),
      edge('d', 'HARDIRQ'), edge('HARDIRQ', 'e'), edge('e', 'f'), edge('f', 'd'),
    ]);
    assert.deepEqual(sorted(findCycles(g, 6, 100).cycles), ['bHARDIRQa', 'lHARDIRQ']);
    assert.deepEqual(canonicalRotation(['HARDIRQ', 'a', 'b']), ['b', 'HARDIRQ', 'a'], 'the interrupted CPU first');
  });

  it('finds all cycles of a complete graph on 4 nodes (20 of them)', () => {
    const nodes = 'ABCD';
    const pairs = [...nodes].flatMap((a) => [...nodes].filter((b) => b !== a).map((b) => a + b));
    assert.equal(findCycles(graphOf(pairs), 4, 1000).cycles.length, 20);
  });

  it('stops at the cycle cap and says so', () => {
    const nodes = 'ABCDE';
    const pairs = [...nodes].flatMap((a) => [...nodes].filter((b) => b !== a).map((b) => a + b));
    const r = findCycles(graphOf(pairs), 5, 7);
    assert.equal(r.cycles.length, 7);
    assert.equal(r.truncated, true);
  });

  it('rotates a cycle to start at its least resource', () => {
    assert.deepEqual(canonicalRotation(['tasklist_lock', 'page.ptl', 'IPI']), ['IPI', 'tasklist_lock', 'page.ptl']);
  });
});
