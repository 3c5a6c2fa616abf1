// Parameter guards: the algebra the analysis relies on when it splits, joins and narrows paths,
// and deciding a test against a call site's constant.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type ArgConstant, type Guard, type ParamTest, decideTest, isImpossible, joinGuards, meetGuards, negateTest, resolveGuards, sayNoMoreThan, whenSet, whenZero,
} from '../src/summaries/guard.js';

const MACROS: Record<string, number> = { FROB_SPLIT_NONE: 0, PSI_FREQ: 501 };
const valueOf = (name: string): number | null => MACROS[name] ?? null;

/** A guard at a call whose arguments are all known numbers: every test decided, all must hold. */
function holds(g: Guard, args: number[]): boolean {
  return (g ?? []).every((t) => decideTest(t, { name: null, value: args[t.param] ?? 0 }, valueOf) === true);
}

/** Tests of parameters 0 and 1 with small numeric operands, so every decision is known. */
const numbers = fc.uniqueArray(fc.integer({ min: -2, max: 3 }).map(String), { minLength: 1, maxLength: 3 }).map((v) => v.sort());
const param = fc.integer({ min: 0, max: 1 });
const test: fc.Arbitrary<ParamTest> = fc.oneof(
  fc.record({ param, test: fc.constantFrom('in' as const, 'notIn' as const), values: numbers }),
  fc.record({ param, test: fc.constant('cmp' as const), op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const), bound: fc.integer({ min: -2, max: 3 }) }),
);
const guard: fc.Arbitrary<Guard> = fc.oneof(fc.constant(null), fc.array(test, { minLength: 1, maxLength: 3 }).map((ts) => meetGuards(ts.map((t) => [t]).reduce<Guard>((g, t) => meetGuards(g, t), null), null)));
const args = fc.tuple(fc.integer({ min: -3, max: 4 }), fc.integer({ min: -3, max: 4 }));

describe('parameter guards', () => {
  it('decides constants by name, by value, and keeps what it cannot tell', () => {
    const flush: ParamTest = { param: 2, test: 'notIn', values: ['BTRFS_RESERVE_NO_FLUSH'] };
    const at = (name: string | null, value: number | null): ArgConstant => ({ name, value });
    assert.equal(decideTest(flush, at('BTRFS_RESERVE_NO_FLUSH', null), valueOf), false);
    // Two enumerator names without values are two values.
    assert.equal(decideTest(flush, at('BTRFS_RESERVE_FLUSH_ALL', null), valueOf), true);
    // A number against an enumerator whose value is not known: keep the event.
    assert.equal(decideTest(flush, at(null, 0), valueOf), null);
    assert.equal(decideTest((whenSet(0) ?? [])[0] as ParamTest, at('FROB_SPLIT_NONE', 0), valueOf), false);
    assert.equal(decideTest({ param: 0, test: 'in', values: ['FROB_SPLIT_NONE'] }, at(null, 0), valueOf), true);
    assert.equal(decideTest({ param: 0, test: 'cmp', op: '>', bound: 0 }, at('PSI_FREQ', 501), valueOf), true);
    assert.equal(decideTest({ param: 0, test: 'cmp', op: '>', bound: 0 }, at('UNKNOWN_X', null), valueOf), null);
    assert.equal(decideTest({ param: 0, test: 'flag', flag: 'SCF_WAIT' }, at(null, 3), valueOf), null);
  });

  it('joins case labels into one set, keeps tests of other parameters apart, drops what no longer tests anything', () => {
    const a: Guard = [{ param: 1, test: 'in', values: ['A'] }];
    const b: Guard = [{ param: 1, test: 'in', values: ['B'] }];
    assert.deepEqual(joinGuards(a, b), [{ param: 1, test: 'in', values: ['A', 'B'] }]);
    assert.equal(joinGuards(a, negateTest({ param: 1, test: 'in', values: ['A'] })), null);
    assert.equal(joinGuards(a, [{ param: 2, test: 'in', values: ['A'] }]), null);
    assert.deepEqual(meetGuards(b, [{ param: 1, test: 'notIn', values: ['A'] }]), b);
    assert.deepEqual(meetGuards(whenSet(5), b), [...(b ?? []), ...(whenSet(5) ?? [])]);
    assert.ok(isImpossible(meetGuards(whenZero(0), whenSet(0))));
    // `d->state & DEAD` and `!(d->state & DEAD)` together: no state passes; another flag or field does.
    const dead: ParamTest = { param: 0, field: 'state', test: 'flag', flag: 'DEAD' };
    assert.ok(isImpossible(meetGuards([dead], negateTest(dead))));
    assert.ok(!isImpossible(meetGuards([dead], negateTest({ ...dead, flag: 'BUSY' }))));
    assert.ok(!isImpossible(meetGuards([dead], negateTest({ ...dead, field: 'flags' }))));
  });

  it('negation flips the decision of a test', () => {
    fc.assert(fc.property(test, args, (t, v) => {
      assert.equal(holds(negateTest(t), v), !holds([t], v));
    }));
  });

  it('a join holds wherever either side holds (no path is lost)', () => {
    fc.assert(fc.property(guard, guard, args, (a, b, v) => {
      if (holds(a, v) || holds(b, v)) assert.ok(holds(joinGuards(a, b), v));
    }));
  });

  it('resolves `A && x` with `A && !x` to `A`, exactly, and nothing else', () => {
    const flag: ParamTest = { param: 0, field: 'flags', test: 'flag', flag: 'PF_KTHREAD' };
    assert.equal(resolveGuards([flag], negateTest(flag)), null);
    assert.deepEqual(resolveGuards(meetGuards(whenSet(1), [flag]), meetGuards(whenSet(1), negateTest(flag))), whenSet(1));
    assert.equal(resolveGuards([flag], whenSet(1)), undefined);
    fc.assert(fc.property(guard, test, args, (a, t, v) => {
      const x = meetGuards(a, [t]);
      const y = meetGuards(a, negateTest(t));
      const r = resolveGuards(x, y);
      if (r !== undefined) assert.equal(holds(r, v), holds(x, v) || holds(y, v));
    }));
  });

  it('ways that say no more than their join hold exactly where it holds', () => {
    const flag: ParamTest = { param: 0, field: 'flags', test: 'flag', flag: 'PF_KTHREAD' };
    assert.ok(sayNoMoreThan([[flag], negateTest(flag)], null));
    // `quality != 0`, or `quality == 0` (twice, the locals' tests not being guards): nothing.
    const quality: ParamTest = { param: 5, test: 'in', values: ['0'] };
    assert.ok(sayNoMoreThan([negateTest(quality), [quality], [quality]], null));
    assert.ok(sayNoMoreThan([null, [flag]], null));
    // `!native`, or `native && !master`: together they say `!(native && master)`, which no one guard says.
    const native: ParamTest = { param: 1, test: 'notIn', values: ['0'] };
    const master: ParamTest = { param: 0, field: 'flags', test: 'flag', flag: 'MASTER' };
    assert.ok(!sayNoMoreThan([negateTest(native), meetGuards([native], negateTest(master))], null));
    fc.assert(fc.property(fc.array(guard, { minLength: 2, maxLength: 4 }), args, (ways, v) => {
      const joined = ways.reduce((g, w) => joinGuards(g, w));
      if (sayNoMoreThan(ways, joined)) assert.equal(holds(joined, v), ways.some((w) => holds(w, v)));
    }));
  });

  it('a meet holds exactly where both sides hold', () => {
    fc.assert(fc.property(guard, guard, args, (a, b, v) => {
      assert.equal(holds(meetGuards(a, b), v), holds(a, v) && holds(b, v));
    }));
  });
});
