// Scope-based lock classes a tree defines itself (<linux/cleanup.h>):
//   DEFINE_GUARD(mutex, struct mutex *, mutex_lock(_T), mutex_unlock(_T))
//   DEFINE_LOCK_GUARD_0(cpus_read_lock, cpus_read_lock(), cpus_read_unlock())
//   DEFINE_LOCK_GUARD_1(rq_lock_irqsave, struct rq, rq_lock_irqsave(_T->lock, &_T->rf), rq_unlock_irqrestore(_T->lock, &_T->rf), struct rq_flags rf)
//   DEFINE_LOCK_GUARD_2(double_rq_lock, struct rq, double_rq_lock(_T->lock, _T->lock2), double_rq_unlock(_T->lock, _T->lock2))
// Read from the text: the invocations are declarations tree-sitter cannot make sense of.
import type { GuardArg, GuardCall, GuardDefinition } from './types.js';

const DEFINITION = /^[ \t]*DEFINE_(GUARD|LOCK_GUARD_0|LOCK_GUARD_1|LOCK_GUARD_2)[ \t]*\(/gm;

/** Guard classes defined in `source`; a form this does not model (`_T->rq = …` state) is left out. */
export function guardDefinitions(source: string, conditionsAt: (line: number) => string[] = () => []): GuardDefinition[] {
  const out: GuardDefinition[] = [];
  for (const m of source.matchAll(DEFINITION)) {
    const open = (m.index ?? 0) + m[0].length;
    const args = splitArguments(source, open);
    if (!args) continue;
    const kind = m[1] as string;
    // DEFINE_LOCK_GUARD_0 has no type argument.
    const [name, lockText, unlockText] = kind === 'LOCK_GUARD_0' ? [args[0], args[1], args[2]] : [args[0], args[2], args[3]];
    const lock = lockText && guardCall(lockText, kind);
    const unlock = unlockText && guardCall(unlockText, kind);
    if (!name || !/^\w+$/.test(name) || !lock || !unlock) continue;
    const line = source.slice(0, m.index).split('\n').length;
    out.push({ name, lock, unlock, line, conditions: conditionsAt(line) });
  }
  return out;
}

/** The top-level comma-separated arguments from `open` (just after `(`) to the matching `)`. */
function splitArguments(text: string, open: number): string[] | null {
  const args: string[] = [];
  let depth = 0;
  let start = open;
  for (let i = open; i < text.length && i < open + 4000; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return args;
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return null;
}

/** `fn(args)`: a call the guard makes; null when it keeps state in the guard (`_T->rq = fn(…)`). */
function guardCall(text: string, kind: string): GuardCall | null {
  const m = /^(\w+)\s*\(([\s\S]*)\)$/.exec(text.trim());
  if (!m) return null;
  const inner = splitArguments(`${m[2]})`, 0);
  const args = (inner ?? []).filter((a) => a !== '').map((a) => guardArg(a, kind));
  return args.every((a): a is GuardArg => a !== null) ? { fn: m[1] as string, args } : null;
}

function guardArg(text: string, kind: string): GuardArg | null {
  const t = text.replace(/\s+/g, '');
  if (kind === 'GUARD' && t === '_T') return { arg: 0 };
  if (t === '_T->lock') return { arg: 0 };
  if (t === '*_T->lock') return { arg: 0, deref: true };
  if (t === '_T->lock2') return { arg: 1 };
  const slot = /^&?_T->(\w+)$/.exec(t);
  if (slot) return { slot: slot[1] as string };
  if (/^\w+$/.test(t) && t !== '_T') return { name: t };
  return null;
}
