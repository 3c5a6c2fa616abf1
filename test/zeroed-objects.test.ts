// What a creator's summary says of the fresh zeroed object it returns: the fields it set, or
// none when the object goes anywhere the analysis cannot follow.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFiles } from './support/program.js';

const SOURCE = `
#include <linux/slab.h>
#include <linux/err.h>

struct frob_sub { int device; int context; struct list_head node; };
struct frob { struct frob_sub id; int state; unsigned int reuse; struct frob *peer; };

void frob_register(struct frob *f);
void frob_init_sub(struct frob_sub *sub);

struct frob *frob_new(int state)
{
	struct frob *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return ERR_PTR(-ENOMEM);
	f->state = state;
	f->id.context = state;
	frob_init_sub(&f->id);
	return f;
}

struct frob *frob_new_untouched(void)
{
	return kzalloc(sizeof(struct frob), GFP_KERNEL);
}

struct frob *frob_new_registered(void)
{
	struct frob *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (f)
		frob_register(f);
	return f;
}

struct frob *frob_new_aliased(void)
{
	struct frob *f = kzalloc(sizeof(*f), GFP_KERNEL);
	struct frob *g = f;

	g->reuse = 1;
	return f;
}

struct frob *frob_new_listed(struct list_head *head)
{
	struct frob *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (f)
		list_add(&f->id.node, head);
	return f;
}

struct frob *frob_new_nested(void)
{
	struct frob *f = frob_new(1);

	if (IS_ERR(f))
		return NULL;
	f->peer = NULL;
	return f;
}
`;

describe('returnsZeroed: the fields a creator sets in its fresh zeroed object', async () => {
  const a = await analyzeFiles({ 'drivers/frob/frob.c': SOURCE });
  const zeroed = (name: string): readonly string[] | null | undefined => {
    const id = a.program.functions.findIndex((f) => f.name === name);
    assert.ok(id >= 0, name);
    return a.summaries.get(id)?.returnsZeroed;
  };

  it('lists every name on a written path and on a part handed to a call', () => {
    assert.deepEqual(zeroed('frob_new'), ['context', 'id', 'state']);
  });

  it('an allocation returned as it is sets nothing', () => {
    assert.deepEqual(zeroed('frob_new_untouched'), []);
  });

  it('an object handed whole to a call, given another name or linked into a list is none the analysis can vouch for', () => {
    assert.equal(zeroed('frob_new_registered'), null);
    assert.equal(zeroed('frob_new_aliased'), null);
    assert.equal(zeroed('frob_new_listed'), null);
  });

  it("a creator's object keeps the creator's fields, with the caller's added", () => {
    assert.deepEqual(zeroed('frob_new_nested'), ['context', 'id', 'peer', 'state']);
  });
});
