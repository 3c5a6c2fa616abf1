// Bit operations as data: which argument is the bit and which the word, what each reads and writes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bitFlag, bitOfFlag, bitOpOf } from '../src/models/bit-ops.js';

describe('bit operations', () => {
  it('read, set, clear or toggle the bit named first in the word named second', () => {
    assert.deepEqual(bitOpOf('test_bit'), { bitArg: 0, wordArg: 1, reads: true, writes: null });
    assert.deepEqual(bitOpOf('set_bit'), { bitArg: 0, wordArg: 1, reads: false, writes: 'set' });
    assert.deepEqual(bitOpOf('__clear_bit'), { bitArg: 0, wordArg: 1, reads: false, writes: 'clear' });
    assert.deepEqual(bitOpOf('test_and_set_bit_lock'), { bitArg: 0, wordArg: 1, reads: true, writes: 'set' });
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
});
