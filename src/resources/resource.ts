// A resource of the dependency graph as a tagged value. Summaries, edges, findings and their
// fingerprints carry a resource by name (JSON, stable across versions); this is where a name is
// read back as its kind. A kind of wait other than a lock is its own module here (runs.ts and
// the run kinds beside it).
import { HARDIRQ, IPI, QUEUED_WRITER, SLEEP, SOFTIRQ } from '../summaries/domain.js';
import { WAIT_MODELS, type WaitKind, waitOf } from './waits.js';

export type Resource =
  | { kind: 'lock'; cls: string }
  | { kind: 'ipi' }
  | { kind: 'hardirq' }
  | { kind: 'softirq' }
  | { kind: 'sleep' }
  | { kind: 'queued-writer' }
  | { kind: WaitKind; place: string };

export type ResourceKind = Resource['kind'];

const CONTEXTS: Readonly<Record<string, Exclude<ResourceKind, 'lock' | WaitKind>>> = {
  [IPI]: 'ipi', [HARDIRQ]: 'hardirq', [SOFTIRQ]: 'softirq', [SLEEP]: 'sleep', [QUEUED_WRITER]: 'queued-writer',
};

/** The kind of the resource `name` is, without building the resource (the cycle search asks it per step). */
export function kindOf(name: string): ResourceKind {
  const context = Object.prototype.hasOwnProperty.call(CONTEXTS, name) ? CONTEXTS[name] : undefined;
  return context ?? waitOf(name)?.model.kind ?? 'lock';
}

export function resourceOf(name: string): Resource {
  const run = waitOf(name);
  if (run) return { kind: run.model.kind, place: run.place };
  const kind = kindOf(name);
  if (kind === 'lock') return { kind, cls: name };
  return isWaitKind(kind) ? { kind, place: name } : { kind };
}

/**
 * The longest cycle searched through a resource, or null when its kind sets no bound. Through
 * `HARDIRQ`: the direct inversion and one lock between the interrupt and the interrupted CPU's.
 * Through a run (a work item, a kthread): the waiter, the runner and one CPU between. Longer
 * chains through either join unrelated subsystems' classes more often than not (three
 * filesystems' `s_umount` in one ring), and would take the search's budget.
 */
export function cycleBoundOf(name: string): number | null {
  const kind = kindOf(name);
  return kind === 'hardirq' || isWaitKind(kind) ? SHORT_CYCLE : null;
}

const SHORT_CYCLE = 3;

export function isWaitKind(kind: ResourceKind): kind is WaitKind {
  return WAIT_MODELS.some((m) => m.kind === kind);
}

/** Whether any resource of a cycle is of `kind`. */
export function throughKind(resources: readonly string[], kind: ResourceKind): boolean {
  return resources.some((r) => kindOf(r) === kind);
}
