import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractFileFacts } from '../src/facts/extract.js';
import type { Expr, FunctionFacts } from '../src/facts/types.js';
import { calleeName } from '../src/program/program.js';
import { commandParams, expandMacro, hasEffects } from '../src/summaries/macro-commands.js';

const HEADER = [
  '#define __frob_wait(wq, cond, cmd) ({ long __ret = 0; for (;;) { if (cond) break; cmd; } __out: __ret; })',
  '#define frob_wait_cmd(wq, cond, cmd1, cmd2) (void)__frob_wait(wq, cond, cmd1; schedule(); cmd2)',
  '#define frob_wait(wq, cond) __frob_wait(wq, cond, schedule())',
  '#define frob_max(a, b) ((a) > (b) ? (a) : (b))',
  '',
].join('\n');

async function macros(): Promise<Map<string, FunctionFacts>> {
  const facts = await extractFileFacts('include/linux/frobwait.h', HEADER);
  return new Map(facts.functions.filter((f) => f.isMacro).map((f) => [f.name, f]));
}

describe('macros that run an argument as a statement', () => {
  it('finds the parameters run as statements, directly or handed on to another macro', async () => {
    const all = await macros();
    const macroOf = (c: Extract<Expr, { k: 'call' }>): FunctionFacts | null => all.get(calleeName(c) ?? '') ?? null;
    const of = (name: string): number[] => [...commandParams(all.get(name) as FunctionFacts, macroOf)];
    assert.deepEqual(of('__frob_wait'), [2]);
    assert.deepEqual(of('frob_wait_cmd'), [2, 3]);
    assert.deepEqual(of('frob_wait'), []);
    assert.deepEqual(of('frob_max'), []);
  });

  it('writes the body out with the arguments, at the call, with labels of its own', async () => {
    const macro = (await macros()).get('__frob_wait') as FunctionFacts;
    const flush: Expr = { k: 'call', callee: { k: 'id', name: 'flush' }, args: [], pos: { line: 7, col: 3 }, text: 'flush()' };
    const at = { line: 40, col: 2 };
    const body = expandMacro(macro, [{ k: 'id', name: 'q' }, { k: 'id', name: 'done' }, flush], at);
    const text = JSON.stringify(body);
    assert.ok(!text.includes('"k":"return"'), 'the value of the macro is no return of the caller');
    assert.ok(text.includes('"name":"done"') && !text.includes('"name":"cond"'));
    assert.ok(text.includes('"text":"flush()","pos":{"line":7,"col":3}') || text.includes('"pos":{"line":7,"col":3}'), 'an argument keeps its position');
    assert.ok(text.includes('"name":"__out@40:2"'), 'labels are the expansion\'s own');
    assert.ok(!text.includes('"line":1,'), 'the body is at the call');
    assert.ok(hasEffects(flush) && !hasEffects({ k: 'id', name: 'x' }));
  });
});
