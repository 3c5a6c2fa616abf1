import { HARDIRQ, IPI, SLEEP, SOFTIRQ } from '../summaries/domain.js';
import { type CycleRule, DOCS_BASE } from './rule.js';

/** The kernel's "BUG: sleeping function called from invalid context": a call that may sleep in atomic context. */
export const sleepInAtomic: CycleRule = {
  id: 'sleep-in-atomic',
  severity: 'error',
  meta: {
    id: 'sleep-in-atomic',
    name: 'SleepInAtomic',
    shortDescription: 'A call that may sleep, made while holding a spinlock, with irqs disabled or in interrupt context.',
    fullDescription:
      'The path holds a spinning lock (or has irqs disabled, or runs in a hard-irq handler or a timer or tasklet callback) and calls something that may '
      + 'sleep: a mutex or rwsem, msleep, wait_for_completion, synchronize_rcu, flush_work, copy_from_user, a GFP_KERNEL '
      + 'allocation, or a function that does. The CPU schedules away with the lock held or irqs off: another CPU spinning '
      + 'on that lock, or waiting for this one to take an interrupt, never gets it.',
    helpText: 'Move the sleeping call out of the atomic section, or use a non-sleeping variant (GFP_ATOMIC, a trylock, deferred work).',
    helpMarkdown:
      'Move the sleeping call out of the atomic section (drop the lock first, or prepare before taking it), or use a '
      + 'non-sleeping variant (`GFP_ATOMIC`, a trylock, work queued for later). See the [check documentation]('
      + DOCS_BASE + 'sleep-in-atomic.md).',
    defaultLevel: 'error',
    helpUri: `${DOCS_BASE}sleep-in-atomic.md`,
  },
  owns: (resources) => resources.includes(SLEEP),
  message: (resources) => {
    const cause = resources[0] ?? '?';
    const where = cause === IPI ? 'with irqs disabled' : cause === HARDIRQ ? 'in a hard-irq handler'
      : cause === SOFTIRQ ? 'in softirq context' : `while holding ${cause}`;
    return `sleeping function called from invalid context: a call that may sleep ${where}`;
  },
};
