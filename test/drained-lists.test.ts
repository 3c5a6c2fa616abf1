// A drained list's emptiness on a path: what queues on it, what takes its entries over, and joins.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr } from '../src/facts/types.js';
import {
  NO_LIST_FACTS, afterListCall, joinListFacts, listsAtExit, listsEmptiedBy, testedList, withList,
} from '../src/models/drained-lists.js';

const addr = (name: string): Expr => ({ k: 'addr', arg: { k: 'id', name } });
const field: Expr = { k: 'addr', arg: { k: 'field', base: { k: 'id', name: 'dev' }, field: 'todo_list', arrow: true } };

describe('drained lists', () => {
  it('are emptied by taking their lock, and by nothing else', () => {
    assert.deepEqual(listsEmptiedBy('rtnl_mutex'), ['net_todo_list']);
    assert.deepEqual(listsEmptiedBy('wiphy.mtx'), []);
  });

  it('become unknown where an entry is queued on them', () => {
    const empty = withList(NO_LIST_FACTS, 'net_todo_list', 'empty');
    assert.deepEqual(afterListCall('list_add_tail', [field, addr('net_todo_list')], empty)?.lists, { net_todo_list: 'unknown' });
    assert.deepEqual(afterListCall('list_splice', [addr('pending'), addr('net_todo_list')], empty)?.lists, { net_todo_list: 'unknown' });
    assert.equal(afterListCall('list_add_tail', [field, addr('other_list')], empty), null);
    assert.equal(afterListCall('list_del', [field], empty), null);
  });

  it('hand their state to a local that takes their entries over, and are empty after', () => {
    const after = afterListCall('list_replace_init', [addr('net_todo_list'), addr('list')], NO_LIST_FACTS);
    assert.deepEqual(after, { lists: { net_todo_list: 'empty' }, copies: { list: { list: 'net_todo_list', state: 'entry' } } });
    assert.deepEqual(testedList('list_empty', [addr('list')], after ?? NO_LIST_FACTS), { list: 'net_todo_list', state: 'entry' });
    assert.deepEqual(testedList('list_empty', [addr('net_todo_list')], after ?? NO_LIST_FACTS), { list: 'net_todo_list', state: 'empty' });
    // A splice without `_init` leaves the source as it was.
    assert.deepEqual(afterListCall('list_splice', [addr('net_todo_list'), addr('list')], NO_LIST_FACTS)?.lists, {});
  });

  it('test nothing for lists they do not know', () => {
    assert.equal(testedList('list_empty', [addr('list')], NO_LIST_FACTS), null);
    assert.equal(testedList('list_is_singular', [addr('net_todo_list')], NO_LIST_FACTS), null);
  });

  it('join to the state both paths agree on, else unknown', () => {
    const empty = withList(NO_LIST_FACTS, 'net_todo_list', 'empty');
    assert.deepEqual(joinListFacts(empty, empty).lists, { net_todo_list: 'empty' });
    assert.deepEqual(joinListFacts(empty, NO_LIST_FACTS).lists, { net_todo_list: 'unknown' });
    assert.deepEqual(joinListFacts(NO_LIST_FACTS, { lists: {}, copies: {} }), NO_LIST_FACTS);
    const copied = afterListCall('list_replace_init', [addr('net_todo_list'), addr('list')], NO_LIST_FACTS) ?? NO_LIST_FACTS;
    assert.deepEqual(joinListFacts(copied, NO_LIST_FACTS).copies, {});
  });

  it('give a summary only the lists whose state changed', () => {
    assert.deepEqual(listsAtExit(withList(withList(NO_LIST_FACTS, 'net_todo_list', 'empty'), 'b_list', 'unknown')), [['b_list', 'unknown'], ['net_todo_list', 'empty']]);
    assert.deepEqual(listsAtExit(NO_LIST_FACTS), []);
  });
});
