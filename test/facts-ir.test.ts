// The expression IR keeps what the analysis reads of an update: which counter, which way, and when.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractFileFacts } from '../src/facts/extract.js';

describe('facts IR: updates', () => {
  it('keeps ++ and -- as assignments of 1, prefix and postfix apart', async () => {
    const facts = await extractFileFacts('drivers/x.c', 'void f(struct s *p, int i)\n{\n\t--p->users;\n\ti++;\n}\n');
    const updates = (facts.functions[0]?.body ?? []).flatMap((s) => (s.k === 'expr' ? [s.e] : []));
    assert.deepEqual(updates, [
      { k: 'assign', op: 'pre--', left: { k: 'field', base: { k: 'id', name: 'p' }, field: 'users', arrow: true }, right: { k: 'num', value: 1 } },
      { k: 'assign', op: 'post++', left: { k: 'id', name: 'i' }, right: { k: 'num', value: 1 } },
    ]);
  });
});
