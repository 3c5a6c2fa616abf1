// Bit gates as data: which calls pass and open them, and how a held gate reads in a report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gateKey, gateOpener, gateTaker, heldName } from '../src/models/bit-gates.js';

describe('bit gates', () => {
  it('are passed by test_and_set_bit() and opened by clear_bit(), bit first, word second', () => {
    assert.deepEqual([gateTaker('test_and_set_bit')?.bitArg, gateTaker('test_and_set_bit')?.wordArg], [0, 1]);
    assert.deepEqual([gateOpener('clear_bit_unlock')?.bitArg, gateOpener('clear_bit_unlock')?.wordArg], [0, 1]);
    // A non-atomic clear hands nothing over; a test-and-clear is no taker.
    assert.equal(gateOpener('__clear_bit'), undefined);
    assert.equal(gateTaker('test_and_clear_bit'), undefined);
    // Reading or setting a bit in two steps is no gate; nor is a name of Object's.
    assert.equal(gateTaker('test_bit'), undefined);
    assert.equal(gateTaker('set_bit'), undefined);
    assert.equal(gateTaker('constructor'), undefined);
  });

  it('read in a report as their bit and field, while other held names stay as they are', () => {
    assert.equal(heldName(gateKey('connection.flags', 'CF_CLOSING')), 'the CF_CLOSING gate of connection.flags (test_and_set_bit)');
    assert.equal(heldName('inode.i_rwsem/key:ocfs2_sysfile_lock_key'), 'inode.i_rwsem/key:ocfs2_sysfile_lock_key');
  });
});
