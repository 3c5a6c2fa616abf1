// The edge collector: per variant, the cheapest witness, and beside it those held under fewer
// other locks, whatever the order functions offer them in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EdgeCollector } from '../src/deadlock/graph.js';
import type { DepEdge } from '../src/deadlock/types.js';

const edge = (fn: number, alsoHeld: string[]): DepEdge => ({
  from: 'frob_node.lock', to: 'frob_route_lock', holdMode: 'write', waitMode: 'write', waitSpins: true, irqsOff: false,
  fn, hold: fn * 10, wait: fn * 10 + 1, alsoHeld: alsoHeld.map((lock) => ({ lock, mode: 'write' as const })), reasons: [],
});

interface Offered { fn: number; cost: number; alsoHeld: string[] }

function collect(offers: Offered[]): { edges: DepEdge[]; built: number } {
  const c = new EdgeCollector();
  let built = 0;
  for (const o of offers) {
    const e = edge(o.fn, o.alsoHeld);
    c.offer(o.fn, e.from, e.to, e.holdMode, e.waitMode, e.irqsOff, o.cost, () => { built++; return e; }, undefined, undefined, () => e.alsoHeld);
  }
  return { edges: c.edges(), built };
}

const shape = (edges: DepEdge[]): [number, string[]][] => edges.map((e) => [e.fn, e.alsoHeld.map((h) => h.lock)]);

describe('edge collector', () => {
  const gated: Offered = { fn: 1, cost: 2, alsoHeld: ['frob_table_lock'] };
  const open: Offered = { fn: 2, cost: 4, alsoHeld: [] };

  it('keeps a costlier witness held under fewer locks beside the cheapest, the cheapest first', () => {
    assert.deepEqual(shape(collect([gated, open]).edges), [[1, ['frob_table_lock']], [2, []]]);
    assert.deepEqual(shape(collect([open, gated]).edges), [[1, ['frob_table_lock']], [2, []]]);
  });

  it('drops a witness that costs no less and is held under every lock another is', () => {
    const worse: Offered = { fn: 3, cost: 5, alsoHeld: ['frob_table_lock', 'frob_dev_lock'] };
    assert.deepEqual(shape(collect([gated, worse]).edges), [[1, ['frob_table_lock']]]);
    assert.deepEqual(shape(collect([worse, gated]).edges), [[1, ['frob_table_lock']]]);
    // In one function, the dominated offer is not even built.
    assert.equal(collect([gated, { ...worse, fn: 1 }]).built, 1);
  });

  it('keeps one function\'s offers of a variant when they are given back (check-patch)', () => {
    const c = new EdgeCollector();
    for (const o of [{ ...gated, fn: 7 }, { ...open, fn: 7 }]) {
      const e = edge(o.fn, o.alsoHeld);
      c.offer(7, e.from, e.to, e.holdMode, e.waitMode, e.irqsOff, o.cost, () => e, undefined, undefined, () => e.alsoHeld);
    }
    const again = new EdgeCollector();
    again.setOffers(7, c.offersOf(7));
    assert.deepEqual(shape(again.edges()), shape(c.edges()));
    assert.equal(again.edges().length, 2);
  });
});
