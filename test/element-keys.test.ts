// Lock arrays lockdep keys element by element, and pointer sums that name an element.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr } from '../src/facts/types.js';
import { elementOfSum } from '../src/program/lock-identity.js';
import { analyzeFiles } from './support/program.js';

const field = (name: string): Expr => ({ k: 'field', base: { k: 'id', name: 'sb' }, field: name, arrow: true });
const id = (name: string): Expr => ({ k: 'id', name });
const num = (value: number): Expr => ({ k: 'num', value });

describe('pointer sums', () => {
  it('name the element of the field they start from, whatever is added or subtracted after it', () => {
    const sum: Expr = { k: 'bin', op: '-', left: { k: 'bin', op: '+', left: field('locks'), right: id('level') }, right: num(1) };
    assert.deepEqual(elementOfSum(sum), { k: 'index', base: field('locks'), index: { k: 'bin', op: '-', left: id('level'), right: num(1) } });
    assert.deepEqual(elementOfSum({ k: 'bin', op: '+', left: field('locks'), right: num(2) }), { k: 'index', base: field('locks'), index: num(2) });
  });

  it('name nothing from a variable, before the field, or for another operator', () => {
    assert.equal(elementOfSum({ k: 'bin', op: '+', left: id('p'), right: num(1) }), null);
    assert.equal(elementOfSum({ k: 'bin', op: '-', left: field('locks'), right: num(1) }), null);
    assert.equal(elementOfSum({ k: 'bin', op: '*', left: field('locks'), right: num(2) }), null);
  });
});

const HEADER = `
struct lock_class_key { int k; };
struct frob_levels { struct rw_semaphore sem[3]; struct rw_semaphore one[3]; struct rw_semaphore other[3]; };
struct frob_type { struct lock_class_key keys[3]; struct lock_class_key key; };
`;

describe('arrays keyed element by element', () => {
  it('are the arrays a loop keys with the key of the same index, and no other', async () => {
    const a = await analyzeFiles({
      'include/linux/frob.h': HEADER,
      'drivers/frob/levels.c': `#include <linux/frob.h>
void frob_init(struct frob_levels *l, struct frob_type *t)
{
	int i, j;

	for (i = 0; i < 3; i++)
		lockdep_set_class(&l->sem[i], &t->keys[i]);
	for (i = 0; i < 3; i++)
		lockdep_set_class(&l->one[i], &t->key);
	for (i = 0, j = 0; i < 3; i++, j++)
		lockdep_set_class(&l->other[i], &t->keys[j]);
}
`,
    });
    assert.equal(a.identity.keyedPerElement('frob_levels.sem[]'), true);
    assert.equal(a.identity.keyedPerElement('frob_levels.one[]'), false);
    assert.equal(a.identity.keyedPerElement('frob_levels.other[]'), false);
    assert.equal(a.identity.keyedPerElement('frob_levels.sem'), false);
  });
});
