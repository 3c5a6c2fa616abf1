import { type CycleRule, DOCS_BASE } from './rule.js';

/** Waiting for IPI completion with interrupts disabled: two CPUs doing it wait for each other. */
export const ipiIrqsOff: CycleRule = {
  id: 'ipi-irqs-off',
  severity: 'error',
  meta: {
    id: 'ipi-irqs-off',
    name: 'IpiIrqsOff',
    shortDescription: 'A wait for IPI completion with interrupts disabled.',
    fullDescription:
      'The path waits for other CPUs to run a cross-CPU function call (smp_call_function*, on_each_cpu*, a TLB '
      + 'flush that waits) while interrupts are disabled on this CPU. A second CPU doing the same waits for this '
      + 'one to take its IPI, which it never does: both spin forever. Lockdep does not see it; the kernel warns at '
      + 'run time only when the path is taken.',
    helpText: 'Enable interrupts before the wait, call with wait=false and wait another way, or queue the work.',
    helpMarkdown:
      'Enable interrupts before the wait, call with `wait=false` and wait another way, or queue the work. See the '
      + '[check documentation](' + DOCS_BASE + 'ipi-irqs-off.md).',
    defaultLevel: 'error',
    helpUri: `${DOCS_BASE}ipi-irqs-off.md`,
  },
  // One CPU's wait, not a cycle: reported per waiting call (analysis/program-analysis.ts).
  owns: () => false,
  message: () => 'waits for IPI completion with interrupts disabled: a second CPU doing so never answers',
};
