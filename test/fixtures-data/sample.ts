// Sample data shared by the report tests: the seed-shaped report and rule metadata for it.
import { readFileSync } from 'node:fs';
import type { RuleMeta } from '../../src/report/rule-meta.js';
import type { Report } from '../../src/report/types.js';

export const FIXTURES_DATA = new URL('./', import.meta.url);

/** A fresh copy each call, so a test may mutate it. */
export function loadSampleReport(): Report {
  return JSON.parse(readFileSync(new URL('sample-report.json', FIXTURES_DATA), 'utf8')) as Report;
}

const DOCS = 'https://example.org/kdeadlock/docs/checks/';

export const SAMPLE_RULES: RuleMeta[] = [
  {
    id: 'ipi-cycle',
    name: 'IpiCycle',
    shortDescription: 'Cross-CPU deadlock cycle through an IPI wait.',
    fullDescription:
      'A CPU waits for other CPUs to answer an IPI while holding a lock that a CPU with irqs disabled is waiting for.',
    helpText: 'Break the cycle: do not wait for IPIs while holding the lock, or do not spin with irqs off.',
    helpMarkdown: 'Break the cycle: do not wait for IPIs while holding the lock, or do not spin with irqs off.',
    defaultLevel: 'error',
    helpUri: DOCS + 'ipi-cycle.md',
  },
  {
    id: 'lock-cycle',
    name: 'LockCycle',
    shortDescription: 'Cross-CPU lock-order cycle.',
    fullDescription: 'Two or more CPUs take the same locks in orders that form a cycle.',
    helpText: 'Take the locks in one global order.',
    helpMarkdown: 'Take the locks in **one** global order.',
    defaultLevel: 'warning',
    helpUri: DOCS + 'lock-cycle.md',
  },
];
