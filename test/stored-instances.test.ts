// Fields that hold only re-keyed objects: found from every store, and the same whatever is asked first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type StoredInstances, storedInstancesOf } from '../src/summaries/stored-instances.js';
import { analyzeFiles } from './support/program.js';

// make() returns a re-keyed object; ping() and pong() return each other's, so what they hand out
// is a chain that returns into itself.
const SOURCE = `
#include <linux/lockdep.h>
#include <linux/mutex.h>

struct frob_obj { struct mutex lock; };
struct frob_holder { struct frob_obj *made; struct frob_obj *pinged; struct frob_obj *mixed; };

static struct lock_class_key frob_obj_key;
struct frob_obj *frob_alloc(void);
struct frob_obj *pong(int n);

struct frob_obj *make(void)
{
	struct frob_obj *x = frob_alloc();

	lockdep_set_class(&x->lock, &frob_obj_key);
	return x;
}

struct frob_obj *ping(int n)
{
	struct frob_obj *x;

	if (n)
		x = pong(n - 1);
	else
		x = make();
	return x;
}

struct frob_obj *pong(int n)
{
	struct frob_obj *y = ping(n);

	return y;
}

void frob_setup(struct frob_holder *h, struct frob_obj *given)
{
	h->made = make();
	h->pinged = pong(3);
	h->mixed = make();
}

void frob_reset(struct frob_holder *h, struct frob_obj *given)
{
	h->made = NULL;
	h->mixed = given;
}
`;

// A struct a .c file defines is named with its file's scope.
const HOLDER = 'frob_holder{drivers/frob/frob.c}';

async function storedInstances(): Promise<StoredInstances> {
  const a = await analyzeFiles({ 'drivers/frob/frob.c': SOURCE });
  return storedInstancesOf(a.program, a.identity, a.conditions);
}

describe('fields that hold re-keyed objects', () => {
  it('hold them where every store is one (NULL aside), and not where one store is another object', async () => {
    const stored = await storedInstances();
    const read: number[] = [];
    assert.deepEqual(stored.fieldsOf(HOLDER, 'made', (fn) => read.push(fn)), new Map([['lock', 'key:frob_obj_key']]));
    assert.ok(read.length >= 2, 'the storers and make() count as read');
    assert.equal(stored.fieldsOf(HOLDER, 'mixed', () => {}), null);
    assert.equal(stored.fieldsOf(HOLDER, 'nothing', () => {}), null);
  });

  it('know nothing through a chain of returns that returns into itself, whichever is asked first', async () => {
    const first = await storedInstances();
    assert.equal(first.fieldsOf(HOLDER, 'pinged', () => {}), null);
    assert.deepEqual(first.fieldsOf(HOLDER, 'made', () => {}), new Map([['lock', 'key:frob_obj_key']]));
    const second = await storedInstances();
    assert.deepEqual(second.fieldsOf(HOLDER, 'made', () => {}), new Map([['lock', 'key:frob_obj_key']]));
    assert.equal(second.fieldsOf(HOLDER, 'pinged', () => {}), null);
  });
});
