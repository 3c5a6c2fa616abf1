// Bit operations as data: which argument is the bit and which the word, what each reads and writes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr, Stmt } from '../src/facts/types.js';
import { type FieldWrite, forEachFieldWrite, isConstantExpr } from '../src/facts/outline.js';
import { bitFlag, bitOfFlag, bitOpOf, bitWordOf } from '../src/models/bit-ops.js';

describe('bit operations', () => {
  it('read, set, clear or toggle the bit named first in the word named second', () => {
    assert.deepEqual(bitOpOf('test_bit'), { bitArg: 0, wordArg: 1, reads: true, writes: null });
    assert.deepEqual(bitOpOf('set_bit'), { bitArg: 0, wordArg: 1, reads: false, writes: 'set' });
    assert.deepEqual(bitOpOf('__clear_bit'), { bitArg: 0, wordArg: 1, reads: false, writes: 'clear' });
    assert.deepEqual(bitOpOf('test_and_set_bit_lock'), { bitArg: 0, wordArg: 1, reads: true, writes: 'set', gate: 'take' });
    assert.deepEqual(bitOpOf('test_and_clear_bit'), { bitArg: 0, wordArg: 1, reads: true, writes: 'clear' });
    assert.equal(bitOpOf('change_bit')?.writes, 'change');
    // Not bit operations: a lock, and a name of Object's.
    assert.equal(bitOpOf('spin_lock'), undefined);
    assert.equal(bitOpOf('hasOwnProperty'), undefined);
  });

  it('name a bit as a flag of its word, and give the bit back from that flag only', () => {
    assert.equal(bitFlag('ABORT_ISP_ACTIVE'), 'BIT(ABORT_ISP_ACTIVE)');
    assert.equal(bitOfFlag(bitFlag('3')), '3');
    assert.equal(bitOfFlag('REQ_F_POLLED'), null);
    assert.equal(bitOfFlag('BIT(A | B)'), null);
  });

  it('find the word a call names, through its address and any casts', () => {
    const word: Expr = { k: 'field', base: { k: 'id', name: 'ha' }, field: 'flags', arrow: true };
    const op = bitOpOf('set_bit');
    assert.ok(op);
    const bit: Expr = { k: 'id', name: 'ABORT_ISP_ACTIVE' };
    assert.deepEqual(bitWordOf(op, [bit, { k: 'addr', arg: word }]), word);
    const cast: Expr = { k: 'cast', type: { name: 'unsigned long', pointer: 1 }, arg: { k: 'addr', arg: word } };
    assert.deepEqual(bitWordOf(op, [bit, cast]), word);
    assert.equal(bitWordOf(op, [bit]), null);
  });
});

describe('bit operations as program-wide stores', () => {
  const body = (text: string): Stmt[] => [{ k: 'expr', e: parseCall(text), pos: { line: 1, col: 1 } }];
  const word: Expr = { k: 'field', base: { k: 'id', name: 'ha' }, field: 'flags', arrow: true };
  const parseCall = (name: string): Expr => ({ k: 'call', callee: { k: 'id', name }, args: [{ k: 'id', name: 'ISP_ACTIVE' }, { k: 'addr', arg: word }], pos: { line: 1, col: 1 }, text: name });
  const writes = (name: string): FieldWrite[] => {
    const out: FieldWrite[] = [];
    forEachFieldWrite(body(name), (w) => out.push(w));
    return out;
  };

  it('store the flag of the bit they set or clear, and nothing for a test', () => {
    const flag: Expr = { k: 'id', name: 'BIT(ISP_ACTIVE)' };
    assert.deepEqual(writes('set_bit').map((w) => w.compound), [{ op: '|=', right: flag }]);
    assert.deepEqual(writes('clear_bit').map((w) => w.compound), [{ op: '&=', right: { k: 'unary', op: '~', arg: flag } }]);
    assert.deepEqual(writes('test_bit'), []);
    assert.deepEqual(writes('change_bit').map((w) => [w.field, w.value, w.compound]), [['flags', null, undefined]]);
  });

  it('make a constant flag of a bit no variable names', () => {
    assert.equal(isConstantExpr({ k: 'id', name: 'BIT(PG_locked)' }), true);
    assert.equal(isConstantExpr({ k: 'id', name: 'BIT(nr)' }, new Set(['nr'])), false);
  });
});
