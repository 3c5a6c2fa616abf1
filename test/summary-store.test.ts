// Summaries packed as numbers come back as they went in, also once evicted from the parsed cache.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Guard, HeldLock, LockEvent, LockPair, Summary } from '../src/summaries/domain.js';
import { CompactSummaries } from '../src/summaries/store.js';
import type { ParamTest } from '../src/summaries/guard.js';

/** Objects as the analysis makes them (an Object prototype). */
const PLAIN = { noNullPrototype: true } as const;
const lock = fc.constantFrom('tasklist_lock', 'page.ptl', 'IPI', '#p0', '#p1', 'mm_struct.page_table_lock');
const mode = fc.constantFrom('read' as const, 'write' as const);
const irq = fc.constantFrom('entry' as const, 'on' as const, 'off' as const, 'mixed' as const);
const constants = fc.uniqueArray(fc.constantFrom('0', '1', 'TRANS_JOIN', 'BTRFS_RESERVE_NO_FLUSH', '-4'), { minLength: 1 }).map((v) => v.sort());
/** A parameter, or a pseudo-parameter: the context (-1), the task's journal (-2), the atomicity at entry (-3). */
const pseudoOrParam = fc.integer({ min: -4, max: 5 });
const ofParam: fc.Arbitrary<ParamTest> = fc.oneof(
  fc.record({ param: pseudoOrParam, test: fc.constantFrom('in' as const, 'notIn' as const), values: constants }, PLAIN),
  fc.record({ param: pseudoOrParam, test: fc.constantFrom('flag' as const, 'noFlag' as const), flag: fc.constantFrom('SCF_WAIT', 'wait') }, PLAIN),
  // Bounds up to what a guard keeps (`BIT_ULL(52)`).
  fc.record({ param: pseudoOrParam, test: fc.constant('cmp' as const), op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const), bound: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -(2 ** 52), max: 2 ** 52 })) }, PLAIN),
);
/** A test of the parameter itself, or of a field it points to (`i->in_inode`). */
const test: fc.Arbitrary<ParamTest> = fc.tuple(ofParam, fc.option(fc.constantFrom('in_inode', 'need_commit_sem'), { nil: undefined }))
  .map(([t, field]) => (field === undefined ? t : { ...t, field }));
const guard: fc.Arbitrary<Guard> = fc.oneof(fc.constant(null), fc.array(test, { minLength: 1, maxLength: 3 }));
const event: fc.Arbitrary<LockEvent> = fc.record({
  kind: fc.constantFrom('acquire' as const, 'ipi-wait' as const, 'sleep' as const), lock, mode, spins: fc.boolean(), irq, guard,
  released: fc.array(lock, { maxLength: 3 }), afterSleep: fc.boolean(), viaIndirect: fc.boolean(), nestingAnnotated: fc.boolean(),
  queue: fc.constantFrom('plain' as const, 'fair-writer' as const, 'recursive-reader' as const),
  // Gates are absent, or a non-empty list (as the analysis writes them).
  gates: fc.array(lock, { minLength: 1, maxLength: 2 }),
  witness: fc.integer({ min: -1, max: 1 << 30 }),
}, { ...PLAIN, requiredKeys: ['kind', 'lock', 'mode', 'spins', 'irq', 'guard', 'released', 'afterSleep', 'viaIndirect', 'nestingAnnotated', 'queue', 'witness'] });
const held: fc.Arbitrary<HeldLock> = fc.record({ lock, mode, spins: fc.boolean(), witness: fc.integer({ min: -1, max: 1 << 30 }) }, PLAIN);
const pair: fc.Arbitrary<LockPair> = fc.record({
  from: lock, to: lock, holdMode: mode, waitMode: fc.constantFrom('read' as const, 'recursive-read' as const, 'write' as const, 'ipi' as const), waitSpins: fc.boolean(), irq, guard,
  afterSleep: fc.boolean(), viaIndirect: fc.boolean(), hold: fc.integer({ min: -1, max: 1 << 30 }), wait: fc.integer({ min: -1, max: 1 << 30 }),
  alsoHeld: fc.array(fc.record({ lock, mode }, PLAIN), { maxLength: 2 }),
}, PLAIN);
const summary: fc.Arbitrary<Summary> = fc.record({
  events: fc.array(event, { maxLength: 6 }), pairs: fc.array(pair, { maxLength: 3 }), releases: fc.array(lock, { maxLength: 3 }), returnsHeld: fc.array(held, { maxLength: 3 }),
  irqExit: irq, journalExit: fc.constantFrom('entry' as const, 'set' as const, 'clear' as const, 'unknown' as const),
  listsExit: fc.array(fc.tuple(fc.constantFrom('net_todo_list', 'other_list'), fc.constantFrom('empty' as const, 'unknown' as const)), { maxLength: 2 }),
  returnsInstance: fc.array(fc.record({ field: lock, suffix: lock }, PLAIN), { maxLength: 2 }), returnsZeroed: fc.option(fc.array(lock, { maxLength: 2 }), { nil: null }), irqExitWitness: fc.integer({ min: -1, max: 1 << 30 }),
  irqSavesTo: fc.integer({ min: -1, max: 5 }), irqRestoresFrom: fc.integer({ min: -1, max: 5 }), nonZeroWhen: fc.oneof(fc.constant('never' as const), guard), nonZeroExact: fc.boolean(),
  neverZero: fc.boolean(),
  trylock: fc.boolean(),
  requires: fc.array(fc.record({ lock, mode }, PLAIN), { maxLength: 3 }),
}, PLAIN);

describe('compact summary store', () => {
  it('gives back what was set, after the parsed copy is evicted too', () => {
    fc.assert(fc.property(fc.array(summary, { minLength: 1, maxLength: 40 }), (summaries) => {
      const store = new CompactSummaries(4);
      summaries.forEach((s, fn) => store.set(fn, s));
      summaries.forEach((s, fn) => {
        assert.deepStrictEqual(store.get(fn), s);
        assert.equal(JSON.stringify(store.get(fn)), JSON.stringify(s));
      });
      store.delete(0);
      assert.equal(store.get(0), undefined);
    }));
  });
});
