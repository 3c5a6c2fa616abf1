import { embeddingObjects } from '../deadlock/lock-objects.js';
import type { DepEdge } from '../deadlock/types.js';
import { plainName } from '../program/scope.js';
import { resourceOf, throughKind } from '../resources/resource.js';
import { lockOfKey } from '../summaries/domain.js';
import { type ChainView, type CycleRule, DOCS_BASE, cycleText } from './rule.js';

/**
 * A cycle through a wait that is not a lock (DEPT's wait → event dependencies): a CPU waits for a
 * work item to finish (`flush_work()`, `cancel_work_sync()`) while holding a lock that the item's
 * function, directly or down a chain of CPUs, waits for.
 */
export const waitCycle: CycleRule = {
  id: 'wait-cycle',
  severity: 'error',
  meta: {
    id: 'wait-cycle',
    name: 'WaitCycle',
    shortDescription: 'Cross-CPU deadlock through a wait for a work item (flush_work, cancel_work_sync).',
    fullDescription:
      'A CPU waits for a work item to finish (flush_work, cancel_work_sync, flush_delayed_work, cancel_delayed_work_sync) '
      + 'while holding a lock. The worker running that item\'s function waits, directly or through a chain of other CPUs, '
      + 'for that lock. The item never finishes, so the flusher never returns. Lockdep reports it as a cycle through '
      + '(work_completion).',
    helpText: 'Flush or cancel the work before taking the lock, or make the work function not take it (hand it the state instead).',
    helpMarkdown:
      'Flush or cancel the work before taking the lock, or make the work function not take it. See the '
      + '[check documentation](' + DOCS_BASE + 'wait-cycle.md).',
    defaultLevel: 'error',
    helpUri: `${DOCS_BASE}wait-cycle.md`,
  },
  owns: (resources) => resources.length > 1 && throughKind(resources, 'work') && !throughKind(resources, 'ipi') && !throughKind(resources, 'hardirq'),
  message: (resources) => `possible deadlock across ${resources.length} CPUs through a wait for a work item: ${cycleText(resources)}`,
  doubts: (edges, view) => edges.flatMap((e) => flushOfAnotherObject(e, view)),
};

/**
 * A flusher holding a lock of struct `S` and flushing an item of `S` through another object
 * (`con->sock_mutex` held, `con->othercon->rwork` flushed): the worker of that item takes its own
 * object's lock, not the held one, unless the two can be one. Lockdep reports it all the same.
 */
function flushOfAnotherObject(e: DepEdge, { functions, chain }: ChainView): string[] {
  const item = resourceOf(e.to);
  const held = resourceOf(e.from);
  if (item.kind !== 'work' || held.kind !== 'lock') return [];
  const [lockStruct, lockField] = splitMember(plainName(lockOfKey(held.cls)));
  const [itemStruct, itemField] = splitMember(plainName(item.item));
  if (lockStruct === null || lockStruct !== itemStruct) return [];
  const objects = embeddingObjects(lockField, itemField, chain(e.hold), chain(e.wait), functions);
  return objects.k === 'different' ? [`may be two objects: ${objects.held}'s lock held, ${objects.taken}'s item flushed`] : [];
}

/** `S` and `f` of the class `S.f`; no struct for a global. */
function splitMember(cls: string): [string | null, string] {
  const dot = cls.lastIndexOf('.');
  return dot < 0 ? [null, cls] : [cls.slice(0, dot), cls.slice(dot + 1)];
}
