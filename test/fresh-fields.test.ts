// Pointer fields that hold only objects allocated for them: every store is read, and any other value makes the answer no.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FreshFields, freshFieldsOf } from '../src/summaries/fresh-fields.js';
import { analyzeFiles } from './support/program.js';

const SOURCE = `
#include <linux/slab.h>

struct frob_node {
	struct frob_node *spare;	/* allocated, or its own value kept, or NULL */
	struct frob_node *twin;		/* allocated, and once a parameter */
	struct frob_node *copy;		/* another node's field */
	struct frob_node *handed;	/* a local whose address a callee is given */
	struct frob_node *never;	/* never stored */
	struct frob_node *self;		/* a new node, given itself */
	struct frob_node *aliased;	/* a new node, given itself through another local */
	struct frob_node *listed;	/* allocated, and named in an initialiser list */
};

struct frob_table { struct frob_node *head; };
static struct frob_table frob_static_table;

void frob_fill(struct frob_node **slot);

int frob_add_spare(struct frob_node *n)
{
	struct frob_node *spare = n->spare;

	if (!spare) {
		spare = kzalloc(sizeof(*spare), GFP_KERNEL);
		if (!spare)
			return -ENOMEM;
		n->spare = spare;
	}
	n->twin = kmalloc(sizeof(*n), GFP_KERNEL);
	return 0;
}

void frob_drop_spare(struct frob_node *n)
{
	n->spare = NULL;
}

void frob_pair(struct frob_node *n, struct frob_node *other)
{
	struct frob_node *copied = other->copy;

	n->twin = other;
	n->copy = copied;
}

void frob_hand(struct frob_node *n)
{
	struct frob_node *h = NULL;

	frob_fill(&h);
	n->handed = h;
}

struct frob_node *frob_new_loop(void)
{
	struct frob_node *n = kzalloc(sizeof(*n), GFP_KERNEL);
	struct frob_node *m = n;

	if (n) {
		n->self = n;
		m->aliased = n;
	}
	return n;
}

void frob_relist(struct frob_node *n, struct frob_node *other)
{
	n->listed = kzalloc(sizeof(*n), GFP_KERNEL);
	*other = (struct frob_node){ .listed = n };
}

void frob_table_add(struct frob_table *t)
{
	t->head = kzalloc(sizeof(*t->head), GFP_KERNEL);
}
`;

async function freshFields(): Promise<FreshFields> {
  const a = await analyzeFiles({ 'drivers/frob/frob.c': SOURCE });
  return freshFieldsOf(a.program, a.identity);
}

describe('fields that hold only fresh objects', () => {
  it('hold them where every store is an allocation, NULL, or a local given only those and the field itself', async () => {
    const fresh = await freshFields();
    assert.equal(fresh.holdsOnlyFresh('frob_node', 'spare'), true);
  });

  it('do not where one store is a parameter, another object\'s field, or a local a callee may set', async () => {
    const fresh = await freshFields();
    assert.equal(fresh.holdsOnlyFresh('frob_node', 'twin'), false);
    assert.equal(fresh.holdsOnlyFresh('frob_node', 'copy'), false);
    assert.equal(fresh.holdsOnlyFresh('frob_node', 'handed'), false);
  });

  it('do not where a new object is stored into itself, directly or through a local given it', async () => {
    const fresh = await freshFields();
    assert.equal(fresh.holdsOnlyFresh('frob_node', 'self'), false);
    assert.equal(fresh.holdsOnlyFresh('frob_node', 'aliased'), false);
  });

  it('do not for a field never stored, one an initialiser list names, nor for a struct with a static object, whose initialiser is not read', async () => {
    const fresh = await freshFields();
    assert.equal(fresh.holdsOnlyFresh('frob_node', 'listed'), false);
    assert.equal(fresh.holdsOnlyFresh('frob_node', 'never'), false);
    assert.equal(fresh.holdsOnlyFresh('frob_table', 'head'), false);
  });
});
