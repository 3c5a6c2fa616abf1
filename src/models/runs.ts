// Runs (resources/runs.ts) as data: the calls that bind a place to the function a worker or a
// thread runs for it, and how each kind's calls name the place. The calls that wait for a run to
// end are rows of the kernel API table (`waitsForRun`, models/kernel-api.ts).
import type { RunKind } from '../resources/runs.js';

/**
 * `fn`: the argument naming the function run. `place`: the argument naming the place, or
 * `result` when the call returns it and the caller stores it (`t->task = kthread_run(fn, …)`).
 */
export interface RunBinding { kind: RunKind; fn: number; place: number | 'result' }

const work = (place: number, fn: number): RunBinding => ({ kind: 'work', fn, place });
const kthread = (fn: number): RunBinding => ({ kind: 'kthread', fn, place: 'result' });

export const RUN_BINDINGS: Readonly<Record<string, RunBinding>> = {
  INIT_WORK: work(0, 1),
  INIT_WORK_ONSTACK: work(0, 1),
  INIT_DELAYED_WORK: work(0, 1),
  INIT_DELAYED_WORK_ONSTACK: work(0, 1),
  INIT_DEFERRABLE_WORK: work(0, 1),
  INIT_DEFERRABLE_WORK_ONSTACK: work(0, 1),
  kthread_create: kthread(0),
  kthread_run: kthread(0),
  kthread_create_on_node: kthread(0),
  kthread_create_on_cpu: kthread(0),
  kthread_run_on_cpu: kthread(0),
};

/**
 * How a kind's calls hand over the place: work items by address (`flush_work(&d->reset_work)`),
 * kthreads by the task pointer kept there (`kthread_stop(d->poll_task)`).
 */
export const PLACE_ARGUMENT: Readonly<Record<RunKind, 'address' | 'value'>> = { work: 'address', kthread: 'value' };

export function runBindingOf(callee: string): RunBinding | null {
  return Object.prototype.hasOwnProperty.call(RUN_BINDINGS, callee) ? RUN_BINDINGS[callee] ?? null : null;
}
