// Waits (resources/waits.ts) as data: the calls that bind a place to the function a worker or a
// thread runs for it, the calls that signal a place's event, and how each kind's calls name the
// place. The calls that wait are rows of the kernel API table (`waitsOn`, models/kernel-api.ts).
import type { RunKind, WaitKind } from '../resources/waits.js';
import { plainName } from '../program/scope.js';

/**
 * `fn`: the argument naming the function run. `place`: the argument naming the place, or
 * `result` when the call returns it and the caller stores it (`t->task = kthread_run(fn, …)`).
 * `name`: the argument that formats a thread's name (its `comm`).
 */
export interface RunBinding { kind: RunKind; fn: number; place: number | 'result'; name?: number }

const work = (place: number, fn: number): RunBinding => ({ kind: 'work', fn, place });
const kthread = (fn: number, name: number): RunBinding => ({ kind: 'kthread', fn, place: 'result', name });

export const RUN_BINDINGS: Readonly<Record<string, RunBinding>> = {
  INIT_WORK: work(0, 1),
  INIT_WORK_ONSTACK: work(0, 1),
  INIT_DELAYED_WORK: work(0, 1),
  INIT_DELAYED_WORK_ONSTACK: work(0, 1),
  INIT_DEFERRABLE_WORK: work(0, 1),
  INIT_DEFERRABLE_WORK_ONSTACK: work(0, 1),
  // A kthread worker's items: its thread runs their functions as a workqueue's worker does.
  kthread_init_work: work(0, 1),
  kthread_init_delayed_work: work(0, 1),
  kthread_create: kthread(0, 2),
  kthread_run: kthread(0, 2),
  kthread_create_on_node: kthread(0, 3),
  kthread_create_on_cpu: kthread(0, 3),
  kthread_run_on_cpu: kthread(0, 3),
};

/**
 * How a kind's calls hand over the place: work items by address (`flush_work(&d->reset_work)`),
 * kthreads and workqueues by the pointer kept there (`kthread_stop(d->poll_task)`, `flush_workqueue(d->wq)`),
 * SRCU domains by address; a kind whose calls the code tells apart by no name has one place for
 * them all (`one`): every request queue's freeze (`blk_mq_freeze_queue(q)`, `q = bdev_get_queue(bdev)`,
 * `disk->queue`), as a scan cannot tell queues apart.
 */
export const PLACE_ARGUMENT: Readonly<Record<WaitKind, 'address' | 'value' | { one: string }>> = {
  work: 'address', kthread: 'value', completion: 'address', srcu: 'address', workqueue: 'value',
  freeze: { one: 'request_queue.q_usage_counter' },
};

/** Calls that owe a place's event to its waiters, and the argument naming the place: `complete(&x->done)`. */
export const SIGNALS: Readonly<Record<string, { kind: 'completion'; arg: number }>> = {
  complete: { kind: 'completion', arg: 0 },
  complete_all: { kind: 'completion', arg: 0 },
  complete_on_current_cpu: { kind: 'completion', arg: 0 },
  kthread_complete_and_exit: { kind: 'completion', arg: 0 },
  complete_and_exit: { kind: 'completion', arg: 0 },
};

/**
 * Calls that queue a work item on a workqueue, and the arguments naming each: the queue's items
 * are those queued on it (`queue_work(d->wq, &d->reset_work)`), whose functions its worker runs.
 * `schedule_work()` queues on `system_wq`, which code does not flush (`flush_scheduled_work()`
 * is on its way out): not rows. A kthread worker is a queue of its own items
 * (`kthread_queue_work(d->worker, &d->work)`), flushed by `kthread_flush_worker()`.
 */
export interface Queueing { queue: number; item: number }

export const QUEUEINGS: Readonly<Record<string, Queueing>> = {
  queue_work: { queue: 0, item: 1 },
  queue_work_on: { queue: 1, item: 2 },
  queue_work_node: { queue: 1, item: 2 },
  queue_delayed_work: { queue: 0, item: 1 },
  queue_delayed_work_on: { queue: 1, item: 2 },
  mod_delayed_work: { queue: 0, item: 1 },
  mod_delayed_work_on: { queue: 1, item: 2 },
  kthread_queue_work: { queue: 0, item: 1 },
  kthread_queue_delayed_work: { queue: 0, item: 1 },
  kthread_mod_delayed_work: { queue: 0, item: 1 },
};

export function queueingOf(callee: string): Queueing | null {
  return Object.prototype.hasOwnProperty.call(QUEUEINGS, callee) ? QUEUEINGS[callee] ?? null : null;
}

export function signalOf(callee: string): { kind: WaitKind; arg: number } | null {
  return Object.prototype.hasOwnProperty.call(SIGNALS, callee) ? SIGNALS[callee] ?? null : null;
}

export function runBindingOf(callee: string): RunBinding | null {
  return Object.prototype.hasOwnProperty.call(RUN_BINDINGS, callee) ? RUN_BINDINGS[callee] ?? null : null;
}

/**
 * Calls that register functions the kernel runs while a lock of its own is held for write for the
 * whole run, by a party that waits for the function to return. CPU hotplug runs a state's
 * callbacks for the writer that holds `cpu_hotplug_lock` (`cpus_write_lock()` in `_cpu_up()` and
 * `_cpu_down()`), on the control CPU or in the target's hotplug thread, which the writer waits
 * for; lockdep links them through its `cpuhp_state` maps. A callback that takes a lock while a
 * holder of that lock calls `cpus_read_lock()` is an AB-BA with the writer. `lock` is the
 * global as the kernel defines it (`file`'s), `holder` how a report names the party holding it.
 */
export interface LockedRun {
  fns: readonly number[]; lock: { name: string; file: string }; holder: string;
  /**
   * The states whose callbacks run with irqs disabled, by the suffix of the state constant in
   * argument `arg`: the atomic section between `CPUHP_AP_OFFLINE` and `CPUHP_AP_ONLINE`
   * (`CPUHP_AP_*_STARTING`, `*_DYING`) runs on the CPU going up (`notify_cpu_starting()`) or down
   * (`take_cpu_down()` under stop_machine), and a setup call runs it in the hotplug thread under
   * `local_irq_disable()` (`cpuhp_thread_fun()`).
   */
  irqsOffStates?: { arg: number; suffixes: readonly string[] };
}

const hotplugCallbacks = (startup: number, teardown: number): LockedRun => ({
  fns: [startup, teardown], lock: { name: 'cpu_hotplug_lock', file: 'kernel/cpu.c' }, holder: 'the CPU hotplug writer (cpus_write_lock())',
  irqsOffStates: { arg: 0, suffixes: ['_STARTING', '_DYING'] },
});

/** Whether a registering call of `row` names a state whose callbacks run with irqs disabled. */
export function runsWithIrqsOff(row: LockedRun, state: string | null): boolean {
  const states = row.irqsOffStates;
  return states !== undefined && state !== null && states.suffixes.some((s) => state.endsWith(s));
}

export const LOCKED_RUNS: Readonly<Record<string, LockedRun>> = {
  cpuhp_setup_state: hotplugCallbacks(2, 3),
  cpuhp_setup_state_nocalls: hotplugCallbacks(2, 3),
  cpuhp_setup_state_cpuslocked: hotplugCallbacks(2, 3),
  cpuhp_setup_state_nocalls_cpuslocked: hotplugCallbacks(2, 3),
  cpuhp_setup_state_multi: hotplugCallbacks(2, 3),
};

export function lockedRunOf(callee: string): LockedRun | null {
  return Object.prototype.hasOwnProperty.call(LOCKED_RUNS, callee) ? LOCKED_RUNS[callee] ?? null : null;
}

/** Who holds `cls` around the callbacks it is the lock of (`LockedRun.holder`); `cls` is the class's key. */
export function lockedRunHolder(cls: string): string {
  const row = Object.values(LOCKED_RUNS).find((r) => plainName(cls) === r.lock.name);
  return row?.holder ?? 'the kernel';
}
