// Tests of which run the path is on: `if (current == ha->dpc_thread)` calls the recovery directly
// "since we are in the DPC thread", and elsewhere only wakes that thread; `if (current_work() !=
// &priv->tx_timeout_work) cancel_work_sync(…)` keeps a worker from waiting for itself; iSCSI's
// connection close stops the other thread of the pair, told by `strcmp(current->comm, …)`. Such a test
// is true only in the run kept at that place (program/run-reach.ts): a function no such run's
// function reaches never passes it. As for the execution context (contexts.ts), a function that
// cannot decide it leaves a guard on a pseudo-parameter its callers decide.
import type { Expr } from '../facts/types.js';
import { callArgumentTexts } from '../parse/normalize.js';
import { calleeName } from '../program/program.js';
import type { RunKind } from '../resources/waits.js';

/**
 * The pseudo-parameter a run test is a guard on (guard.ts): `in` the runs (resource names, as
 * `(kthread)d.thread` or `(work_completion)d.work`) it is true for.
 */
export const RUN_PARAM = -5;

/**
 * A test of the run the path is on: `current == E` or `current_work() == E` (either side, or `!=`),
 * naming the run by the expression that names its place; or `!strcmp(current->comm, NAME)`
 * (`strcmp(…) == 0`, `!= 0`), naming threads by the name they were created with. `equal`: whether
 * the test's true branch is the one on the run.
 */
export type CurrentRunTest =
  | { kind: RunKind; place: Expr; equal: boolean }
  | { kind: 'kthread'; threadName: string; equal: boolean };

export function currentRunTest(e: Expr): CurrentRunTest | null {
  const name = threadNameCompared(e);
  // Non-zero: the names differ.
  if (name !== null) return { kind: 'kthread', threadName: name, equal: false };
  if (e.k !== 'bin' || (e.op !== '==' && e.op !== '!=')) return null;
  const equal = e.op === '==';
  for (const [mine, other] of [[e.left, e.right], [e.right, e.left]] as const) {
    const compared = other.k === 'num' && other.value === 0 ? threadNameCompared(mine) : null;
    if (compared !== null) return { kind: 'kthread', threadName: compared, equal };
    const kind = currentRunKind(mine);
    if (kind && currentRunKind(other) === null) return { kind, place: other, equal };
  }
  return null;
}

/** `current` (or the call it stands for) is the running thread; `current_work()` the running work item. */
function currentRunKind(e: Expr): RunKind | null {
  if (isCurrent(e)) return 'kthread';
  return e.k === 'call' && e.args.length === 0 && calleeName(e) === 'current_work' ? 'work' : null;
}

function isCurrent(e: Expr): boolean {
  return (e.k === 'id' && e.name === 'current') || (e.k === 'call' && e.args.length === 0 && calleeName(e) === 'get_current');
}

/** `strcmp(current->comm, NAME)` (either order): the name as written (`ISCSI_RX_THREAD_NAME`, `"frobd"`). */
function threadNameCompared(e: Expr): string | null {
  if (e.k !== 'call' || calleeName(e) !== 'strcmp' || e.args.length !== 2) return null;
  const texts = callArgumentTexts(e.text);
  const at = e.args.findIndex((a) => a.k === 'field' && a.field === 'comm' && a.arrow && isCurrent(a.base));
  return at < 0 || !texts ? null : texts[1 - at] ?? null;
}
