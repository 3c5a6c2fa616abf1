// Tests of irqs and preemption read the path's own state where it decides them, else the entry's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ATOMICITY_TESTS, type Atomicity, type PathAtomicity, atomicityAtEntry, entriesWhere } from '../src/models/atomicity.js';

const untouched: PathAtomicity = { irq: 'entry', spinning: false, releasedCallers: false };
const inAtomic = (here: Atomicity): boolean => ATOMICITY_TESTS.in_atomic?.includes(here) ?? false;
const irqsDisabled = (here: Atomicity): boolean => ATOMICITY_TESTS.irqs_disabled?.includes(here) ?? false;

describe('atomicity tests', () => {
  it('leave an untouched path to the atomicity at entry', () => {
    assert.deepEqual(entriesWhere(atomicityAtEntry(null), untouched, inAtomic), ['irqs-preempt-off', 'preempt-off']);
  });

  it('are decided by a spinning lock the path holds', () => {
    assert.deepEqual(entriesWhere(atomicityAtEntry(null), { ...untouched, spinning: true }, inAtomic), atomicityAtEntry(null));
  });

  it('see irqs off without a lock as irqs off, preemption as at entry', () => {
    const irqsOff: PathAtomicity = { ...untouched, irq: 'off' };
    assert.deepEqual(entriesWhere(atomicityAtEntry(null), irqsOff, irqsDisabled), atomicityAtEntry(null));
    assert.deepEqual(entriesWhere(atomicityAtEntry(null), irqsOff, inAtomic), ['irqs-preempt-off', 'preempt-off']);
  });

  it('are decided by a hard-irq entry point', () => {
    assert.deepEqual(entriesWhere(atomicityAtEntry('hardirq'), untouched, (here) => !inAtomic(here)), []);
  });

  it('are not known after the path released a lock its caller took, or left irqs mixed', () => {
    assert.equal(entriesWhere(atomicityAtEntry(null), { ...untouched, releasedCallers: true }, inAtomic), null);
    assert.equal(entriesWhere(atomicityAtEntry(null), { ...untouched, irq: 'mixed' }, irqsDisabled), null);
  });
});
