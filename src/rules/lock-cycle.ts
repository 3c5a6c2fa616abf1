import { kindOf } from '../resources/resource.js';
import { type CycleRule, DOCS_BASE, cycleText } from './rule.js';

/** A lock-order cycle across CPUs (AB-BA and longer), rwlock-aware. */
export const lockCycle: CycleRule = {
  id: 'lock-cycle',
  severity: 'error',
  meta: {
    id: 'lock-cycle',
    name: 'LockCycle',
    shortDescription: 'Cross-CPU lock-order cycle (AB-BA and longer).',
    fullDescription:
      'Each CPU of the cycle holds one lock class and waits for the next; the last waits for the first. '
      + 'Read-read on an rwlock does not block and is not reported.',
    helpText: 'Take the locks in one global order, or drop one lock before taking the next.',
    helpMarkdown:
      'Take the locks in one global order, or drop one lock before taking the next. See the '
      + '[check documentation](' + DOCS_BASE + 'lock-cycle.md).',
    defaultLevel: 'error',
    helpUri: `${DOCS_BASE}lock-cycle.md`,
  },
  owns: (resources) => resources.length > 1 && resources.every((r) => kindOf(r) === 'lock'),
  message: (resources) => `possible lock-order deadlock across ${resources.length} CPUs: ${cycleText(resources)}`,
};
