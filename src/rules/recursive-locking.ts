import { type AcquiredObjects, acquiredObjects, selfWaitObjects } from '../deadlock/lock-objects.js';
import type { DepEdge } from '../deadlock/types.js';
import { waitOf } from '../resources/waits.js';
import { plainName } from '../program/scope.js';
import { IPI, lockOfKey } from '../summaries/domain.js';
import { type ChainView, type CycleRule, DOCS_BASE } from './rule.js';

/** Lockdep's "possible recursive locking detected": a lock class taken while the same task holds it. */
export const recursiveLocking: CycleRule = {
  id: 'recursive-locking',
  severity: 'error',
  meta: {
    id: 'recursive-locking',
    name: 'RecursiveLocking',
    shortDescription: 'A lock class taken again while it is held (lockdep: possible recursive locking).',
    fullDescription:
      'The path holds a lock of one class and then waits for a lock of the same class, directly or through calls. '
      + 'On one object that deadlocks the CPU on itself; on two objects lockdep reports it all the same, because two '
      + 'CPUs taking the pair in opposite orders deadlock and the class cannot tell the orders apart.',
    helpText: 'Drop the first lock before taking the second, or annotate a real two-level nesting with a subclass (`*_nested`) or a nest lock.',
    helpMarkdown:
      'Drop the first lock before taking the second, or annotate a real two-level nesting with a subclass '
      + '(`spin_lock_nested`, `mutex_lock_nested`) or a nest lock. See the [check documentation](' + DOCS_BASE + 'recursive-locking.md).',
    defaultLevel: 'error',
    helpUri: `${DOCS_BASE}recursive-locking.md`,
  },
  owns: (resources) => resources.length === 1 && resources[0] !== IPI,
  message: ([resource = '?']) => `possible recursive locking: ${resource} ${waitOf(resource) ? 'waited for' : 'taken'} while already held`,
  // The same object is a CPU waiting on itself; two objects of the class are lockdep's report
  // all the same, and a deadlock only with the other order elsewhere or if they can be one.
  doubts: ([edge], view) => {
    if (!edge || edge.from !== edge.to) return [];
    const objects = objectsOf(edge, view);
    switch (objects.k) {
      case 'same': return [];
      case 'different': return [`may be two objects of the class: ${objects.held} held, ${objects.taken} taken`];
      default: return ['cannot tell whether both acquisitions are of one object'];
    }
  },
};

/** The objects of the held and the taken resource: a run's own (`selfWaitObjects()`), else the two acquisitions'. */
function objectsOf(edge: DepEdge, view: ChainView): AcquiredObjects {
  return selfWaitObjects(edge, view.functions, view.chain) ?? acquiredObjects(plainName(lockOfKey(edge.from)), view.chain(edge.hold), view.chain(edge.wait), view.functions);
}
