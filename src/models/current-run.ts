// Tests of which run the path is on: `if (current == ha->dpc_thread)` calls the recovery directly
// "since we are in the DPC thread", and elsewhere only wakes that thread; `if (current_work() !=
// &priv->tx_timeout_work) cancel_work_sync(…)` keeps a worker from waiting for itself. Such a test
// is true only in the run kept at that place (program/run-reach.ts): a function no such run's
// function reaches never passes it. As for the execution context (contexts.ts), a function that
// cannot decide it leaves a guard on a pseudo-parameter its callers decide.
import type { Expr } from '../facts/types.js';
import { calleeName } from '../program/program.js';
import type { RunKind } from '../resources/waits.js';

/**
 * The pseudo-parameter a run test is a guard on (guard.ts): `in` the runs (resource names, as
 * `(kthread)d.thread` or `(work_completion)d.work`) it is true for.
 */
export const RUN_PARAM = -5;

/**
 * `current == E` or `current_work() == E` (either side, or `!=`): the run's kind, the expression
 * naming its place, and whether equality is the true branch.
 */
export function currentRunTest(e: Expr): { kind: RunKind; place: Expr; equal: boolean } | null {
  if (e.k !== 'bin' || (e.op !== '==' && e.op !== '!=')) return null;
  const equal = e.op === '==';
  for (const [mine, other] of [[e.left, e.right], [e.right, e.left]] as const) {
    const kind = currentRunKind(mine);
    if (kind && currentRunKind(other) === null) return { kind, place: other, equal };
  }
  return null;
}

/** `current` (or the call it stands for) is the running thread; `current_work()` the running work item. */
function currentRunKind(e: Expr): RunKind | null {
  if (e.k === 'id' && e.name === 'current') return 'kthread';
  if (e.k !== 'call' || e.args.length !== 0) return null;
  const name = calleeName(e);
  return name === 'get_current' ? 'kthread' : name === 'current_work' ? 'work' : null;
}
