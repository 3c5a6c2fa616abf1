// A resource of the dependency graph as a tagged value. Summaries, edges, findings and their
// fingerprints carry a resource by name (JSON, stable across versions); this is where a name is
// read back as its kind. A kind of wait other than a lock is its own module here (work.ts).
import { HARDIRQ, IPI, QUEUED_WRITER, SLEEP, SOFTIRQ } from '../summaries/domain.js';
import { workItemOf } from './work.js';

export type Resource =
  | { kind: 'lock'; cls: string }
  | { kind: 'ipi' }
  | { kind: 'hardirq' }
  | { kind: 'softirq' }
  | { kind: 'sleep' }
  | { kind: 'queued-writer' }
  | { kind: 'work'; item: string };

export type ResourceKind = Resource['kind'];

const CONTEXTS: Readonly<Record<string, Resource>> = {
  [IPI]: { kind: 'ipi' }, [HARDIRQ]: { kind: 'hardirq' }, [SOFTIRQ]: { kind: 'softirq' }, [SLEEP]: { kind: 'sleep' },
  [QUEUED_WRITER]: { kind: 'queued-writer' },
};

export function resourceOf(name: string): Resource {
  const context = Object.prototype.hasOwnProperty.call(CONTEXTS, name) ? CONTEXTS[name] : undefined;
  if (context) return context;
  const item = workItemOf(name);
  return item !== null ? { kind: 'work', item } : { kind: 'lock', cls: name };
}

/**
 * The longest cycle searched through a resource, or null when its kind sets no bound. Through
 * `HARDIRQ`: the direct inversion and one lock between the interrupt and the interrupted CPU's.
 * Through a work item: the flusher, the worker and one CPU between. Longer chains through either
 * join unrelated subsystems' classes more often than not (three filesystems' `s_umount` in one
 * ring), and would take the search's budget.
 */
export function cycleBoundOf(name: string): number | null {
  const kind = resourceOf(name).kind;
  return kind === 'hardirq' || kind === 'work' ? SHORT_CYCLE : null;
}

const SHORT_CYCLE = 3;

/** Whether any resource of a cycle is of `kind`. */
export function throughKind(resources: readonly string[], kind: ResourceKind): boolean {
  return resources.some((r) => resourceOf(r).kind === kind);
}
