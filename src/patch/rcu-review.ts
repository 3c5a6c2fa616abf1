// Review questions for a `read_lock` / `spin_lock` → `rcu_read_lock` conversion (the ones the
// seed thread asks): does the new read-side section sleep, are its iterators RCU-safe, who writes
// under the old lock, and what RCU does not promise.
import { functionIndex } from '../facts/outline.js';
import type { Expr, FunctionFacts, Stmt } from '../facts/types.js';
import { isLockOp, modelOf } from '../models/kernel-api.js';
import { type Program, calleeName, forEachExpr, getOrInit, resolveCallee } from '../program/program.js';
import { resolveName } from '../program/scope.js';
import type { RcuReview, Site } from '../report/types.js';
import type { PatchSet } from './parse.js';

const LOCK_CALL = /\b(?:read|write|spin|raw_spin)_lock(?:_irq|_irqsave|_bh)?\s*\(\s*&?\s*([A-Za-z_][\w.>-]*)/;
const RCU_SAFE_ITERATORS = new Set(['for_each_process', 'for_each_thread', 'for_each_process_thread', 'while_each_thread']);
const SLEEPING_CALLS = new Set([
  'might_sleep', 'msleep', 'msleep_interruptible', 'ssleep', 'usleep_range', 'synchronize_rcu', 'synchronize_rcu_expedited',
  'wait_for_completion', 'wait_for_completion_timeout', 'wait_for_completion_killable', 'flush_work', 'flush_workqueue',
  'copy_from_user', 'copy_to_user', 'get_user', 'put_user', 'vmalloc', 'vfree',
]);
const SLEEPING_GFP = /^(GFP_KERNEL|GFP_KERNEL_ACCOUNT|GFP_NOFS|GFP_NOIO|GFP_USER|GFP_HIGHUSER|GFP_HIGHUSER_MOVABLE)$/;
const SNAPSHOT_NOTE = 'rcu_read_lock() gives no atomic snapshot: entries present for the whole walk are seen, '
  + 'entries added or removed during it may or may not be; anything that relied on writers being excluded '
  + '(counts, "all tasks" decisions, list order) must tolerate that.';

/** Exclusive acquisitions of global locks (`write_lock_irq(&tasklist_lock)`), by lock, in file order. */
export type WriterIndex = Map<string, Site[]>;

/** Reviews every `rcu_read_lock()` a patch adds in a file where it removes a spinning lock. */
export function reviewRcuConversions(set: PatchSet, after: Program, writers: WriterIndex): RcuReview[] {
  const reviews: RcuReview[] = [];
  for (const message of set.messages) {
    for (const file of message.files) {
      if (!file.newPath) continue;
      const removed = file.hunks.flatMap((h) => h.lines.filter((l) => l.op === '-').map((l) => LOCK_CALL.exec(codeOf(l.text))?.[1]))
        .filter((x): x is string => !!x);
      if (removed.length === 0) continue;
      for (const line of addedRcuLines(file.hunks)) {
        const fn = functionAt(after, file.newPath, line);
        if (fn) reviews.push(review(after, fn, line, removed[0] as string, writers));
      }
    }
  }
  return reviews;
}

function addedRcuLines(hunks: PatchSet['messages'][number]['files'][number]['hunks']): number[] {
  const out: number[] = [];
  for (const h of hunks) {
    let line = h.newStart;
    for (const l of h.lines) {
      if (l.op === '+' && /\brcu_read_lock\s*\(\s*\)/.test(codeOf(l.text))) out.push(line);
      if (l.op !== '-') line++;
    }
  }
  return out;
}

/** The code of a line, without comments (a comment that mentions rcu_read_lock() is no conversion). */
function codeOf(text: string): string {
  const t = text.trim();
  if (t.startsWith('*') || t.startsWith('/*') || t.startsWith('//')) return '';
  return text.replace(/\/\*.*?\*\//g, '').replace(/\/\/.*$/, '');
}

function functionAt(program: Program, file: string, line: number): FunctionFacts | null {
  let best: FunctionFacts | null = null;
  for (const fn of program.functions) {
    if (fn.file === file && !fn.isMacro && fn.line <= line && (!best || fn.line > best.line)) best = fn;
  }
  return best;
}

function review(program: Program, fn: FunctionFacts, start: number, lock: string, writers: WriterIndex): RcuReview {
  const end = firstCallAfter(fn, 'rcu_read_unlock', start) ?? Number.MAX_SAFE_INTEGER;
  const inSection = (line: number): boolean => line > start && line < end;
  const site = (text: string, line: number): Site => ({ function: fn.name, file: fn.file, line, text });
  const maySleep: Site[] = [];
  forEachExpr(fn.body, (e) => {
    if (e.k === 'call' && inSection(e.pos.line) && callMaySleep(program, fn, e, 3)) maySleep.push(site(e.text, e.pos.line));
  });
  const iterators = loopsIn(fn.body).filter((l) => inSection(l.pos.line) && l.macro).map((l) => ({
    macro: l.macro as string,
    rcuSafe: RCU_SAFE_ITERATORS.has(l.macro as string) || (l.macro as string).endsWith('_rcu'),
    site: site(l.macro as string, l.pos.line),
  }));
  return { file: fn.file, line: start, function: fn.name, replacedLock: lock, maySleep, iterators, writers: writersOf(program, writers, lock, fn.file), note: SNAPSHOT_NOTE };
}

function firstCallAfter(fn: FunctionFacts, name: string, line: number): number | null {
  let found: number | null = null;
  forEachExpr(fn.body, (e) => {
    if (e.k === 'call' && calleeName(e) === name && e.pos.line > line && (found === null || e.pos.line < found)) found = e.pos.line;
  });
  return found;
}

/** Sleeps here, or in a callee up to `depth` calls down (sleeping locks, waits, GFP_KERNEL). */
function callMaySleep(program: Program, from: FunctionFacts, call: Extract<Expr, { k: 'call' }>, depth: number, seen = new Set<FunctionFacts>()): boolean {
  const name = calleeName(call);
  if (!name) return false;
  if (SLEEPING_CALLS.has(name)) return true;
  if (call.args.some((a) => a.k === 'id' && SLEEPING_GFP.test(a.name) || (a.k === 'bin' && [a.left, a.right].some((x) => x.k === 'id' && SLEEPING_GFP.test(x.name))))) return true;
  const model = modelOf(name);
  if (model) return (isLockOp(model) && !model.spins && model.op === 'acquire') || ('leaf' in model && model.leaf === 'schedule');
  if (depth === 0) return false;
  return resolveCallee(program, from, name).some((id) => {
    const callee = program.functions[id];
    if (!callee || seen.has(callee)) return false;
    seen.add(callee);
    let sleeps = false;
    forEachExpr(callee.body, (e) => { if (!sleeps && e.k === 'call') sleeps = callMaySleep(program, callee, e, depth - 1, seen); });
    return sleeps;
  });
}

function loopsIn(stmts: Stmt[]): Extract<Stmt, { k: 'loop' }>[] {
  const out: Extract<Stmt, { k: 'loop' }>[] = [];
  const walk = (list: Stmt[]): void => {
    for (const s of list) {
      if (s.k === 'loop') { out.push(s); walk(s.body); }
      else if (s.k === 'block') walk(s.body);
      else if (s.k === 'if' || s.k === 'pp') { walk(s.then); walk(s.else); }
      else if (s.k === 'switch') for (const c of s.cases) walk(c.body);
    }
  };
  walk(stmts);
  return out;
}

/** Sites writing the lock named `lock` in `file`: a file-static lock's namesakes elsewhere are other locks. */
function writersOf(program: Program, index: WriterIndex, lock: string, file: string): { count: number; sites: Site[] } {
  const key = resolveName(program.globals, lock, file) ?? lock;
  const sites = (index.get(lock) ?? []).filter((s) => (resolveName(program.globals, lock, s.file) ?? lock) === key);
  return { count: sites.length, sites: sites.slice(0, 8) };
}

/** `write_lock*(&lock)` sites (or every exclusive acquisition of a spinlock) of global locks. */
export function writerIndex(functions: Iterable<FunctionFacts>): WriterIndex {
  const index: WriterIndex = new Map();
  for (const fn of functions) {
    if (fn.isMacro) continue;
    for (const [lock, line, text] of functionIndex(fn).writes) getOrInit(index, lock, () => []).push({ function: fn.name, file: fn.file, line, text });
  }
  for (const sites of index.values()) sortSites(sites);
  return index;
}

/** The index with the sites of `files` replaced by those of their new `functions`. */
export function replaceWriters(index: WriterIndex, files: ReadonlySet<string>, functions: Iterable<FunctionFacts>): WriterIndex {
  const out: WriterIndex = new Map();
  for (const [lock, sites] of index) out.set(lock, sites.filter((s) => !files.has(s.file)));
  for (const [lock, sites] of writerIndex(functions)) out.set(lock, sortSites([...(out.get(lock) ?? []), ...sites]));
  for (const [lock, sites] of out) if (sites.length === 0) out.delete(lock);
  return out;
}

function sortSites(sites: Site[]): Site[] {
  return sites.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}
