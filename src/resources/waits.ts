// Waits for an event that a known party owes, as resources of the dependency graph (DEPT's
// wait → event dependencies). A run (work.ts, kthread.ts): a function a worker or a thread runs
// for a place, whose end a waiter waits for (`flush_work()`, `kthread_stop()`); the runner holds
// the place's resource while the function runs. A completion (completion.ts): every
// `complete()` of the place owes the event. A queue (workqueue.ts): every run of an item queued
// on it. A section (srcu.ts): a reader holds the domain's resource from its lock call to its
// unlock call, and an updater waits for every reader; a queue freeze (freeze.ts) likewise, the
// freezer in the section and a request's allocation waiting for it to end. The waiter takes and drops the resource
// before it waits, as lockdep does for work items. Each kind is a module of its own; this is
// where a resource's name is read back as one of them.
import { COMPLETION } from './completion.js';
import { FREEZE } from './freeze.js';
import { KTHREAD } from './kthread.js';
import { SRCU } from './srcu.js';
import { WORK } from './work.js';
import { WORKQUEUE } from './workqueue.js';

export type WaitKind = 'work' | 'kthread' | 'completion' | 'srcu' | 'workqueue' | 'freeze';
/** The kinds whose event is the end of a function that a binding names (models/waits.ts). */
export type RunKind = 'work' | 'kthread';

export interface WaitModel {
  kind: WaitKind;
  /** What the place's resource name starts with (for work items, lockdep's own map name). */
  prefix: string;
  /**
   * Who holds the resource: `owner`, the party that owes the event, from its start (a worker
   * running the item, a completer); `section`, a reader between its lock and unlock calls.
   */
  heldBy: 'owner' | 'section';
  /**
   * One party per place at a time (a work item runs on one CPU at once, a thread is one task):
   * a waiter that is itself the place's party waits for another object's (`waitsForOwnRun`).
   */
  onePerPlace: boolean;
  /**
   * Lockdep keys the resource by its registration site (a work item by its `INIT_WORK()`), so a
   * place that several drivers' code registers is several resources: a waiter reaches those
   * registered nearest it (`flushesNearestItems()` in deadlock/findings.ts).
   */
  keyedBySite: boolean;
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
  /** How the CPU that owes the event reads in a report (`runs work item …`). */
  holdsPhrase(place: string): string;
  /** How a CPU waiting for the event reads in a report. */
  waitsPhrase(place: string): string;
}

export const WAIT_MODELS: readonly WaitModel[] = [WORK, KTHREAD, COMPLETION, SRCU, WORKQUEUE, FREEZE];

/** The resource of `kind`'s place `place` (`(work_completion)frob_dev.reset_work`). */
export function waitResource(kind: WaitKind, place: string): string {
  return `${waitModel(kind).prefix}${place}`;
}

/** The wait a resource is, or null for any other resource. */
export function waitOf(resource: string): { model: WaitModel; place: string } | null {
  for (const model of WAIT_MODELS) if (resource.startsWith(model.prefix)) return { model, place: resource.slice(model.prefix.length) };
  return null;
}

export function waitModel(kind: WaitKind): WaitModel {
  const model = WAIT_MODELS.find((m) => m.kind === kind);
  if (!model) throw new Error(`no wait model ${kind}`);
  return model;
}
