import { throughKind } from '../resources/resource.js';
import { type CycleRule, DOCS_BASE, cycleText } from './rule.js';

/** A cycle through an IPI wait: some CPU waits for every CPU to run an IPI, one never will. */
export const ipiCycle: CycleRule = {
  id: 'ipi-cycle',
  severity: 'error',
  meta: {
    id: 'ipi-cycle',
    name: 'IpiCycle',
    shortDescription: 'Cross-CPU deadlock through an IPI wait.',
    fullDescription:
      'A CPU waits for every other CPU to acknowledge an IPI (smp_call_function*, on_each_cpu*, TLB flush) '
      + 'while holding a lock that, through a chain of other CPUs, a CPU with interrupts disabled waits for. '
      + 'That CPU never takes the IPI, so no CPU in the chain can make progress.',
    helpText:
      'Break the cycle: do not wait for IPI completion while holding a lock that others take with irqs '
      + 'disabled, take the lock with irqs enabled, or make a read side lockless (RCU).',
    helpMarkdown:
      'Break the cycle: do not wait for IPI completion while holding a lock that others take with irqs '
      + 'disabled, take the lock with irqs enabled, or make a read side lockless (RCU). See the '
      + '[check documentation](' + DOCS_BASE + 'ipi-cycle.md).',
    defaultLevel: 'error',
    helpUri: `${DOCS_BASE}ipi-cycle.md`,
  },
  owns: (resources) => resources.length > 1 && throughKind(resources, 'ipi'),
  message: (resources) =>
    `possible deadlock across ${resources.length} CPUs through an IPI wait: ${cycleText(resources)}`,
};
