// Tests a path passed, and locks held only where one of them had a value: what is remembered,
// what a join keeps, and what an assignment or a release forgets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr } from '../src/facts/types.js';
import type { HeldLock } from '../src/summaries/domain.js';
import {
  type PassedTests, NO_HELD_WHERE, NO_PASSED, forgetName, joinPassedTests, passTest, releasedWhere, testOf,
} from '../src/summaries/passed-conditions.js';

type Path = PassedTests & { held: HeldLock[]; dead: boolean };

const id = (name: string): Expr => ({ k: 'id', name });
const call = (name: string, ...args: Expr[]): Expr => ({ k: 'call', callee: id(name), args, pos: { line: 1, col: 1 }, text: '' });
const not = (arg: Expr): Expr => ({ k: 'not', arg });
const lock = (name: string): HeldLock => ({ lock: name, mode: 'write', spins: false, witness: 1 });
const path = (held: HeldLock[] = []): Path => ({ held, dead: false, passed: NO_PASSED, heldWhere: NO_HELD_WHERE });

const hasQuotaIno = not(call('frob_has_quota_ino', id('sb')));
const test = testOf(hasQuotaIno);

describe('passed tests', () => {
  it('remembers a test by its text, a leading ! and unlikely() taken off', () => {
    assert.deepEqual(test, { text: 'frob_has_quota_ino(sb)', value: false, names: ['sb'] });
    assert.deepEqual(testOf(call('unlikely', hasQuotaIno)), test);
    assert.equal(testOf({ k: 'num', value: 1 }), null);
    // A modelled call acts each time it is made: a trylock tested again is another attempt.
    assert.equal(testOf(call('mutex_trylock', id('m'))), null);
    assert.equal(testOf({ k: 'assign', op: '=', left: id('x'), right: id('y') }), null);
  });

  it('holds a lock again where the test that took it passes the same way, and not the other way', () => {
    if (!test) throw new Error('no test');
    const taken = passTest({ ...path(), held: [] }, test, true);
    const locked = { ...taken, held: [lock('frob_inode.i_mutex')] };
    const skipped = passTest(path(), test, false);
    const joined: Path = { ...path(), ...joinPassedTests(locked, skipped, []) };
    assert.deepEqual(joined.passed, []);
    assert.deepEqual(joined.heldWhere.map((h) => [h.lock.lock, h.test.value]), [['frob_inode.i_mutex', true]]);
    assert.deepEqual(passTest(joined, test, true).held.map((h) => h.lock), ['frob_inode.i_mutex']);
    const otherWay = passTest(joined, test, false);
    assert.deepEqual(otherWay.held, []);
    assert.deepEqual(otherWay.heldWhere, []);
  });

  it('keeps nothing where the paths did not pass the test apart', () => {
    if (!test) throw new Error('no test');
    const locked = passTest(path([lock('frob_inode.i_mutex')]), test, true);
    assert.deepEqual(joinPassedTests(locked, path(), []).heldWhere, []);
  });

  it('forgets a test once a name it reads is assigned, and a lock once its class is released', () => {
    if (!test) throw new Error('no test');
    const joined: Path = { ...path(), ...joinPassedTests(passTest(path([lock('frob_inode.i_mutex')]), test, true), passTest(path(), test, false), []) };
    assert.equal(forgetName(joined, 'cnt'), joined);
    assert.deepEqual(forgetName(joined, 'sb').heldWhere, []);
    assert.deepEqual(releasedWhere(joined.heldWhere, 'frob_inode.i_mutex'), []);
  });
});
