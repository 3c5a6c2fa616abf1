// Runs as a wait kind: a function that a worker or a thread runs for a place (a work item, a
// kthread's task), and whose end a waiter waits for (`flush_work()`, `kthread_stop()`). The
// runner holds the place's resource while the function runs; the waiter takes and drops it
// before it waits, as lockdep does for work items. Each kind is a module of its own (work.ts,
// kthread.ts); this is where a resource's name is read back as one of them.
import { KTHREAD } from './kthread.js';
import { WORK } from './work.js';

export type RunKind = 'work' | 'kthread';

export interface RunModel {
  kind: RunKind;
  /** What the place's resource name starts with (for work items, lockdep's own map name). */
  prefix: string;
  /**
   * Links from a function to the wait it reaches, at most (the wait itself and the calls to it):
   * deeper, the wait is mostly a teardown reached through puts and releases whose state (the
   * last reference, a device's mode, a connection already closing) decides whether it runs.
   */
  maxWaitChain: number;
  /** The rule's words for the wait (`a wait for a work item`). */
  noun: string;
  /** What a waiter waits for, said of its object (`item flushed`: `dev's item flushed`). */
  waited: string;
  /** How a CPU running the function reads in a report. */
  runsPhrase(place: string): string;
  /** How a CPU waiting for the run to end reads in a report. */
  waitsPhrase(place: string): string;
}

export const RUN_MODELS: readonly RunModel[] = [WORK, KTHREAD];

/** The resource of `kind`'s place `place` (`(work_completion)frob_dev.reset_work`). */
export function runResource(kind: RunKind, place: string): string {
  return `${runModel(kind).prefix}${place}`;
}

/** The run a resource is, or null for any other resource. */
export function runOf(resource: string): { model: RunModel; place: string } | null {
  for (const model of RUN_MODELS) if (resource.startsWith(model.prefix)) return { model, place: resource.slice(model.prefix.length) };
  return null;
}

export function runModel(kind: RunKind): RunModel {
  const model = RUN_MODELS.find((m) => m.kind === kind);
  if (!model) throw new Error(`no run model ${kind}`);
  return model;
}
