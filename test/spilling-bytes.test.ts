// Packed summaries past the memory budget go to a spill file and come back byte for byte.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PAGE_BYTES, SpillingBytes } from '../src/summaries/spilling-bytes.js';

/** A run of `length` bytes that says which entry and version it is. */
function bytesFor(id: number, version: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (id * 31 + version * 7 + i) & 0xff;
  return out;
}

describe('spilling byte store', () => {
  it('keeps one page in memory under a tiny budget, and reads the rest back from the spill file', () => {
    const store = new SpillingBytes(1);
    const sizes = [10, PAGE_BYTES - 5, 3 * PAGE_BYTES + 17, 1, 0, 4096, PAGE_BYTES, 77];
    sizes.forEach((n, id) => store.set(id, bytesFor(id, 0, n)));
    assert.ok(store.bytesInMemory <= 2 * PAGE_BYTES, `${store.bytesInMemory} bytes in memory`);
    sizes.forEach((n, id) => assert.deepEqual(Buffer.from(store.get(id) as Uint8Array), Buffer.from(bytesFor(id, 0, n)), `entry ${id}`));
  });

  it('answers as a map would, whatever the budget: sets, replacements and deletes', () => {
    type Op = { id: number; length: number } | { id: number; remove: true };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ id: fc.nat(20), length: fc.oneof(fc.nat(300), fc.integer({ min: PAGE_BYTES - 100, max: PAGE_BYTES + 100 })) }),
      fc.record({ id: fc.nat(20), remove: fc.constant(true as const) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 30 }), fc.constantFrom(1, 2 * PAGE_BYTES), (ops, budget) => {
      const store = new SpillingBytes(budget);
      const model = new Map<number, Uint8Array>();
      ops.forEach((o, version) => {
        if ('remove' in o) {
          store.delete(o.id);
          model.delete(o.id);
        } else {
          const bytes = bytesFor(o.id, version, o.length);
          store.set(o.id, bytes);
          model.set(o.id, bytes);
        }
      });
      for (let id = 0; id <= 20; id++) {
        const expected = model.get(id);
        assert.equal(store.has(id), expected !== undefined);
        assert.equal(store.sizeOf(id), expected?.length ?? 0);
        if (expected) assert.ok(Buffer.from(store.get(id) as Uint8Array).equals(Buffer.from(expected)), `entry ${id}`);
        else assert.equal(store.get(id), undefined);
      }
    }), { numRuns: 40 });
  });
});
