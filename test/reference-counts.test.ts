// Open-coded reference drops: which counted-down fields are reference counts (models/kernel-api.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isReferenceCountField } from '../src/models/kernel-api.js';

describe('reference count fields', () => {
  it('takes the names kernel code gives reference counts', () => {
    for (const field of ['srv_count', 'ses_count', 'tc_count', 'refcnt', 'refcount', 'refs', 'ref', 'count', 'nr_cnt']) {
      assert.equal(isReferenceCountField(field), true, field);
    }
  });

  it('leaves out counts of uses, opens and nesting, whose owner reaches zero', () => {
    for (const field of ['use_count', 'vmap_use_count', 'usecount', 'open_count', 'users', 'user_count', 'nest_count', 'depth', 'pending', 'retries']) {
      assert.equal(isReferenceCountField(field), false, field);
    }
  });
});
