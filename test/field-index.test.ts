// The field index: one pass over the program's function index, answered per program state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldIndexOf } from '../src/program/field-index.js';
import { LockIdentity } from '../src/program/lock-identity.js';
import { analyzeFiles } from './support/program.js';

const SOURCE = `
struct frob_conn {
	struct frob_conn *peer;
	int state;
};

void frob_pair(struct frob_conn *a, struct frob_conn *b)
{
	a->peer = b;
}

void frob_reset(struct frob_conn *c)
{
	*c = (struct frob_conn){ .state = 0 };
}
`;

const names = (a: Awaited<ReturnType<typeof analyzeFiles>>, ids: readonly number[]): string[] => ids.map((id) => a.program.functions[id]?.name ?? '?');

describe('the field index', () => {
  it('lists the functions that store, initialise from a parameter, or name a field in an initialiser list', async () => {
    const a = await analyzeFiles({ 'drivers/frob/conn.c': SOURCE });
    const index = fieldIndexOf(a.program, a.identity);
    assert.deepEqual(names(a, index.storers('peer')), ['frob_pair']);
    assert.deepEqual(names(a, index.initialisers('peer')), ['frob_pair']);
    assert.ok(index.initialiserNames.has('frob_pair'));
    assert.deepEqual(names(a, index.listers('state')), ['frob_reset']);
    assert.deepEqual(index.storers('state'), []);
  });

  it('is built again for a new program state (check-patch replaces bodies and makes a new lock identity)', async () => {
    const a = await analyzeFiles({ 'drivers/frob/conn.c': SOURCE });
    const before = fieldIndexOf(a.program, a.identity);
    assert.equal(fieldIndexOf(a.program, a.identity), before);
    const pair = a.program.functions.findIndex((f) => f.name === 'frob_pair');
    const reset = a.program.functions.findIndex((f) => f.name === 'frob_reset');
    a.program.functions[pair] = a.program.functions[reset] as (typeof a.program.functions)[number];
    const after = fieldIndexOf(a.program, new LockIdentity(a.program));
    assert.deepEqual(after.storers('peer'), []);
    assert.deepEqual(before.storers('peer'), [pair]);
  });
});
