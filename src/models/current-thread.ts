// Tests of which thread runs the path: `if (current == ha->dpc_thread)` calls the recovery
// directly "since we are in the DPC thread", and elsewhere only wakes that thread. Such a test is
// true only in the thread kept at that place (program/threads.ts): a function no such thread's
// function reaches never passes it. As for the execution context (contexts.ts), a function that
// cannot decide it leaves a guard on a pseudo-parameter its callers decide.
import type { Expr } from '../facts/types.js';
import { calleeName } from '../program/program.js';

/** The pseudo-parameter a thread test is a guard on (guard.ts): `in` the thread places it is true for. */
export const THREAD_PARAM = -5;

/** `current == E` (or `E == current`, or `!=`): the thread expression, and whether equality is the true branch. */
export function currentThreadTest(e: Expr): { thread: Expr; equal: boolean } | null {
  if (e.k !== 'bin' || (e.op !== '==' && e.op !== '!=')) return null;
  const thread = isCurrent(e.left) ? e.right : isCurrent(e.right) ? e.left : null;
  return thread && !isCurrent(thread) ? { thread, equal: e.op === '==' } : null;
}

/** `current`, or the call it stands for. */
function isCurrent(e: Expr): boolean {
  return (e.k === 'id' && e.name === 'current') || (e.k === 'call' && calleeName(e) === 'get_current' && e.args.length === 0);
}
