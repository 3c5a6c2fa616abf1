import { throughKind } from '../resources/resource.js';
import { type CycleRule, DOCS_BASE, cycleText } from './rule.js';

/**
 * Lockdep's irq-safe/irq-unsafe inversion ("inconsistent lock state", "irq lock inversion"): a
 * lock a hard-irq handler takes is held, directly or down a chain of locks, by a CPU with irqs
 * enabled; the interrupt comes on that CPU and waits for it forever.
 */
export const irqInversion: CycleRule = {
  id: 'irq-inversion',
  severity: 'error',
  meta: {
    id: 'irq-inversion',
    name: 'IrqInversion',
    shortDescription: 'A lock a hard-irq handler takes is held with irqs enabled (lockdep: inconsistent lock state / irq lock inversion).',
    fullDescription:
      'A hard-irq handler takes a spinning lock, and elsewhere that lock (or a lock held while taking one the handler takes) '
      + 'is held with interrupts enabled. The interrupt can arrive on the CPU holding it: the handler spins on a lock its own '
      + 'CPU holds, or on one another CPU holds while it waits for the interrupted CPU\'s lock.',
    helpText: 'Take the lock with spin_lock_irqsave()/spin_lock_irq() outside the handler, or move the work out of hard-irq context (a threaded handler).',
    helpMarkdown:
      'Take the lock with `spin_lock_irqsave()`/`spin_lock_irq()` outside the handler, or move the work out of hard-irq context '
      + '(a threaded handler). See the [check documentation](' + DOCS_BASE + 'irq-inversion.md).',
    defaultLevel: 'error',
    helpUri: `${DOCS_BASE}irq-inversion.md`,
  },
  owns: (resources) => throughKind(resources, 'hardirq') && !throughKind(resources, 'ipi'),
  message: (resources) => `possible irq lock inversion: ${cycleText(resources)} (a hard-irq handler waits for a lock held with irqs enabled)`,
};
