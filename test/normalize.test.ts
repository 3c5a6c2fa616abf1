import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GrammarError, grammarPin, kernelIdioms, pinnedGrammarWasm } from '../src/parse/grammar.js';
import { normalizeKernelC } from '../src/parse/normalize.js';
import { extractFileFacts } from '../src/facts/extract.js';

const newlines = (s: string): number[] => [...s].flatMap((c, i) => (c === '\n' ? [i] : []));

describe('normalizeKernelC', () => {
  it('blanks annotations without moving anything', () => {
    const src = 'static void __init foo(struct a __rcu *p) __acquires(p->lock)\n{\n}\n';
    const out = normalizeKernelC(src).text;
    assert.equal(out.length, src.length);
    assert.match(out, /^static void {8}foo\(struct a {7}\*p\) {20}$/m);
  });

  it('turns a loop macro into a for statement with its arguments in place', () => {
    const src = '\tfor_each_process (tsk) {\n\t\tx(tsk);\n\t}\n';
    const n = normalizeKernelC(src);
    assert.equal(n.text.length, src.length);
    assert.match(n.text, /^\tfor +\(; ?;tsk\) \{/);
    assert.equal(n.text.indexOf('tsk'), src.indexOf('tsk'));
    assert.deepEqual(n.loopMacros, [{ offset: 1, name: 'for_each_process' }]);
  });

  it('blanks a comment a multi-line #define goes on after, and keeps the directive going across one', () => {
    const src = '#define W(x, cmd)\t\\\n({\t\\\n\tlong r = x;\t/* shadow */\t\\\n\tcmd;\t\\\n})\n#define V(x) /* a\n b */ (x)\nint a; /* kept */\n#define U 1 /* ends it */\n';
    const out = normalizeKernelC(src).text;
    assert.equal(out.length, src.length);
    assert.deepEqual(newlines(out), newlines(src));
    assert.ok(!out.includes('shadow') && !out.includes('/* a'));
    assert.match(out, /#define V\(x\) +\\\n +\(x\)/);
    assert.ok(out.includes('/* kept */') && out.includes('/* ends it */'));
  });

  it('extracts every macro of a header, the ones after a body that does not parse too', async () => {
    const src = [
      '#define ___wait(wq, cond, cmd)\t\\',
      '({\t\\',
      '\tlong __ret = 0;\t/* explicit shadow */\t\\',
      '\tfor (;;) { if (cond) break; cmd; }\t\\',
      '\t__ret;\t\\',
      '})',
      '#define __wait_lock(wq, cond, lock, cmd)\t\\',
      '\t(void)___wait(wq, cond, spin_unlock(&lock); cmd; schedule(); spin_lock(&lock))',
      '#define wait_lock_cmd(wq, cond, lock, cmd) do { if (cond) break; __wait_lock(wq, cond, lock, cmd); } while (0)',
      '',
    ].join('\n');
    const facts = await extractFileFacts('include/linux/frobwait.h', src);
    const macros = facts.functions.filter((f) => f.isMacro);
    assert.deepEqual(macros.map((f) => f.name), ['___wait', '__wait_lock', 'wait_lock_cmd']);
    assert.deepEqual(macros.map((f) => f.errors), [0, 0, 0], 'a for header keeps its semicolons; statement arguments become ({ … })');
    const body = JSON.stringify(macros[0]?.body);
    assert.ok(body.includes('"name":"cmd"') && body.includes('"name":"cond"'), '___wait keeps its loop');
    const calls = JSON.stringify(macros[1]?.body).match(/"text":"(spin_unlock|schedule|spin_lock)\(/g);
    assert.deepEqual(calls, ['"text":"spin_unlock(', '"text":"schedule(', '"text":"spin_lock(']);
  });

  it('leaves loop macro definitions and expression uses alone', () => {
    const src = '#define for_each_thing(t) for (t = a; t; t = t->next)\nx = for_each_weird(a);\n';
    assert.equal(normalizeKernelC(src).text, src);
  });

  it('rewrites SYSCALL_DEFINEn into a definition named sys_<name>', () => {
    const src = 'SYSCALL_DEFINE2(kill, pid_t, pid, int, sig)\n{\n}\n';
    const out = normalizeKernelC(src).text;
    assert.match(out, /^long sys_kill\( *pid_t +pid, int +sig\)$/m);
    assert.equal(out.length, src.length);
  });

  it('reads a work item definition as a declaration initialised with its function, and leaves the macro\'s #define alone', () => {
    const src = 'static DECLARE_WORK(frob_work, frob_fn);\nDECLARE_DELAYED_WORK( poll ,\n\tpoll_fn );\n#define DECLARE_WORK(n, f) struct work_struct n\nDECLARE_WORK(a->b, f);\n';
    const out = normalizeKernelC(src).text;
    assert.equal(out, 'static DECLARE_WORK frob_work= frob_fn ;\nDECLARE_DELAYED_WORK  poll =\n\tpoll_fn  ;\n#define DECLARE_WORK(n, f) struct work_struct n\nDECLARE_WORK(a->b, f);\n');
  });

  it('names a template function by its name-pasting macro, `FNAME(fetch)`, at definitions and calls', async () => {
    const src = [
      'static int FNAME(fetch)(struct kvm_vcpu *vcpu, int level)', '{', '\treturn FNAME(walk)(vcpu, level) + get_ops(vcpu)(level);', '}',
      'static int FNAME(walk)(struct kvm_vcpu *vcpu, int level)', '{', '\treturn level;', '}', '',
    ].join('\n');
    const facts = await extractFileFacts('arch/x86/kvm/mmu/paging_tmpl.h', src);
    assert.deepEqual(facts.functions.map((f) => [f.name, f.params.map((p) => p.name)]), [['FNAME(fetch)', ['vcpu', 'level']], ['FNAME(walk)', ['vcpu', 'level']]]);
    const callees: string[] = [];
    JSON.stringify(facts.functions[0]?.body, (key, value: unknown) => {
      if (key === 'callee' && typeof value === 'object' && value && 'name' in value) callees.push(String(value.name));
      return value;
    });
    // A lower-case function returning a function pointer stays a call of a call.
    assert.deepEqual(callees, ['FNAME(walk)', 'get_ops']);
  });

  it('strips `struct` from the type argument of container_of', () => {
    const out = normalizeKernelC('p = container_of(q, struct page, lru);').text;
    assert.match(out, /container_of\(q, +page, lru\)/);
  });

  it('makes a struct type that is a whole argument one name, and leaves casts and declarations alone', async () => {
    const cases: [string, RegExp][] = [
      ['p = alloc_percpu_gfp(struct blkg_iostat_set, gfp_mask);', /alloc_percpu_gfp\( +blkg_iostat_set, gfp_mask\)/],
      ['n = offsetof(const struct page, lru) + sizeof(union frob_u);', /offsetof\( +page, lru\) \+ sizeof\( +frob_u\)/],
      ['p = (struct page *)q; u = (union frob_u)v;', /^p = \(struct page \*\)q; u = \(union frob_u\)v;$/],
      ['static int f(struct page *p, struct frob s);', /^static int f\(struct page \*p, struct frob s\);$/],
    ];
    for (const [src, want] of cases) assert.match(normalizeKernelC(src).text, want);
    const facts = await extractFileFacts('block/frob.c', 'void f(gfp_t gfp_mask)\n{\n\tp = alloc_percpu_gfp(struct frob_stat, gfp_mask);\n}\n');
    const call = JSON.stringify(facts.functions[0]?.body);
    assert.match(call, /"args":\[\{"k":"id","name":"frob_stat"\},\{"k":"id","name":"gfp_mask"\}\]/);
  });

  it('keeps length and newline positions for any input (property)', () => {
    const pieces = fc.constantFrom('__init ', 'for_each_x (a) {', '}', '\n', '__attribute__((x))', '(', ')', ';',
      'SYSCALL_DEFINE1(f, int, a) {', 'container_of(a, struct b, c)', 'f(const struct b, union c)', ', struct ', '"str(\\"', "'('", '/* ( */', 'EXPORT_SYMBOL(f);', 'x');
    fc.assert(fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
      const src = parts.join('');
      const out = normalizeKernelC(src).text;
      assert.equal(out.length, src.length);
      assert.deepEqual(newlines(out), newlines(src));
    }), { numRuns: 300 });
  });
});

describe('grammars/: the dialect as data', () => {
  it('loads the pinned grammar, and refuses another with a clear message', () => {
    const pin = grammarPin();
    assert.ok(pinnedGrammarWasm(pin).endsWith('.wasm'));
    assert.throws(() => pinnedGrammarWasm({ ...pin, sha256: '0'.repeat(64) }), (err: Error) => err instanceof GrammarError && /pins 000000000000/.test(err.message));
  });

  it('blanks every annotation the table lists, keeping offsets', () => {
    const idioms = kernelIdioms();
    for (const word of idioms.blankWords) {
      if (idioms.keptWords.has(word)) continue;
      const source = `static ${word} int f(void)\n{\n}\n`;
      const out = normalizeKernelC(source).text;
      assert.equal(out.length, source.length);
      assert.equal(out.includes(word), false, word);
    }
    for (const word of idioms.blankCallWords) {
      const source = `int ${word}(x) y;\n`;
      assert.equal(normalizeKernelC(source).text.includes(word), false, word);
    }
  });
});
