// Execution contexts as data: which calls tell the context apart (`in_interrupt()`), and which
// calls register a function to run in a known one (`request_irq(irq, handler, …)`: `handler`
// runs in hard-irq). A function registered in one context and called by no function of the
// program is an entry point that runs only there; its tests of the context are decided, and so
// are the context tests its callees pass up (design.md, "Execution contexts").

export type ExecContext = 'task' | 'softirq' | 'hardirq' | 'nmi';

/** Tests of the context, by the contexts they are true in. */
export const CONTEXT_TESTS: Readonly<Record<string, ExecContext[]>> = {
  in_interrupt: ['softirq', 'hardirq', 'nmi'],
  in_irq: ['hardirq'],
  in_hardirq: ['hardirq'],
  in_serving_softirq: ['softirq'],
  in_nmi: ['nmi'],
  in_task: ['task'],
};

/**
 * Calls that register their argument to run in a context: [argument index, context]. Not the
 * IPI calls: `smp_call_function_single()` on the calling CPU runs the function in task context.
 */
export const CONTEXT_REGISTRATIONS: Readonly<Record<string, readonly [number, ExecContext][]>> = {
  request_irq: [[1, 'hardirq']],
  request_threaded_irq: [[1, 'hardirq'], [2, 'task']],
  devm_request_irq: [[2, 'hardirq']],
  devm_request_threaded_irq: [[2, 'hardirq'], [3, 'task']],
  request_percpu_irq: [[1, 'hardirq']],
  irq_set_chained_handler: [[1, 'hardirq']],
  irq_set_chip_and_handler: [[2, 'hardirq']],
  /** A clock event device's handler runs in its timer interrupt (`hrtimer_interrupt`). */
  tick_switch_to_oneshot: [[0, 'hardirq']],
  request_nmi: [[1, 'nmi']],
  register_nmi_handler: [[1, 'nmi']],
  tasklet_init: [[1, 'softirq']],
  tasklet_setup: [[1, 'softirq']],
  timer_setup: [[1, 'softirq']],
};

/**
 * Functions the kernel documents as running in one context whoever calls them: the timer
 * tick's ("Called from the timer interrupt handler", "Called from run_local_timers in hardirq
 * context every jiffy", kernel/time/). Their callers, also the tick's, are reached through
 * clock-event and hrtimer fields that the analysis resolves by name only.
 */
export const DECLARED_CONTEXTS: readonly { fn: string; file: string; context: ExecContext }[] = [
  { fn: 'update_process_times', file: 'kernel/time/timer.c', context: 'hardirq' },
  { fn: 'run_local_timers', file: 'kernel/time/timer.c', context: 'hardirq' },
  { fn: 'hrtimer_run_queues', file: 'kernel/time/hrtimer.c', context: 'hardirq' },
];

export function registrationsBy(callee: string): readonly [number, ExecContext][] {
  return Object.prototype.hasOwnProperty.call(CONTEXT_REGISTRATIONS, callee) ? CONTEXT_REGISTRATIONS[callee] ?? [] : [];
}

/** The pseudo-parameter a context test is a guard on (guard.ts); parameters count from 0. */
export const CONTEXT_PARAM = -1;
