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

describe('facts IR: globals defined with a designated initialiser', () => {
  const source = [
    '#define OPS_DIRECT BIT(1)',
    'static void call_direct(unsigned long ip) { }',
    'struct frob_ops direct_ops = {',
    '\t.func = call_direct,',
    '\t.flags = OPS_DIRECT | OPS_PERMANENT,',
    '\t.limit = 4,',
    '};',
    'static struct frob_ops positional = { call_direct, 0 };',
    'extern struct frob_ops declared_ops;',
    'struct frob_ops ops_table[2] = { [0] = { .flags = 1 } };',
    '',
  ].join('\n');

  it('keep the fields set to constants, and name the fields set to anything else', async () => {
    const facts = await extractFileFacts('kernel/x.c', source);
    const or = { k: 'bin', op: '|', left: { k: 'id', name: 'OPS_DIRECT' }, right: { k: 'id', name: 'OPS_PERMANENT' } };
    assert.deepEqual(facts.globals['direct_ops'], { name: 'frob_ops', pointer: 0, constants: { flags: or, limit: { k: 'num', value: 4 } }, others: 'func' });
  });

  it('say nothing of a positional list, a declaration or an array', async () => {
    const facts = await extractFileFacts('kernel/x.c', source);
    assert.deepEqual(facts.globals['positional'], { name: 'frob_ops', pointer: 0 });
    assert.deepEqual(facts.globals['declared_ops'], { name: 'frob_ops', pointer: 0 });
    assert.equal(facts.globals['ops_table']?.constants, undefined);
  });
});
