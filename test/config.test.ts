import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConditionEvaluator, ENUMERATOR } from '../src/program/conditions.js';
import { KconfigError, parseKconfig } from '../src/source/kconfig.js';

const CONFIG = parseKconfig([
  '# Automatically generated file; DO NOT EDIT.',
  'CONFIG_SMP=y',
  'CONFIG_PARAVIRT=y',
  'CONFIG_KVM=m',
  'CONFIG_NR_CPUS=8192',
  'CONFIG_SPLIT_PTLOCK_CPUS=4',
  'CONFIG_LOCALVERSION=""',
  '# CONFIG_MMU_NOTIFIER is not set',
].join('\n'));

describe('parseKconfig', () => {
  it('reads y/m/n, numbers and strings', () => {
    assert.equal(CONFIG.get('CONFIG_SMP'), 'y');
    assert.equal(CONFIG.get('CONFIG_KVM'), 'm');
    assert.equal(CONFIG.get('CONFIG_MMU_NOTIFIER'), 'n');
    assert.equal(CONFIG.get('CONFIG_NR_CPUS'), 8192);
    assert.equal(CONFIG.get('CONFIG_LOCALVERSION'), '');
  });

  it('rejects text that is not a .config with a KconfigError naming the line', () => {
    assert.throws(() => parseKconfig('CONFIG_A=y\nhello world\n', 'x.config'), (e: unknown) => e instanceof KconfigError && /x\.config:2:/.test(e.message));
    assert.throws(() => parseKconfig(''), KconfigError);
  });

  it('never throws anything but KconfigError on arbitrary text (property)', () => {
    const line = fc.oneof(fc.string(), fc.constantFrom('CONFIG_X=y', '# CONFIG_Y is not set', '', '#', 'CONFIG_Z="a b"', 'CONFIG_=1'));
    fc.assert(fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
      try {
        parseKconfig(lines.join('\n'));
      } catch (e) {
        assert.ok(e instanceof KconfigError, String(e));
      }
    }), { numRuns: 500 });
  });

  it('round-trips generated configs (property)', () => {
    const entry = fc.tuple(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,12}$/), fc.constantFrom('y', 'm', 'n', '42', '0x10'));
    fc.assert(fc.property(fc.uniqueArray(entry, { minLength: 1, maxLength: 30, selector: (e) => e[0] }), (entries) => {
      const text = entries.map(([k, v]) => (v === 'n' ? `# CONFIG_${k} is not set` : `CONFIG_${k}=${v}`)).join('\n');
      const parsed = parseKconfig(text);
      for (const [k, v] of entries) assert.equal(String(parsed.get(`CONFIG_${k}`)), v === '0x10' ? '16' : v);
    }), { numRuns: 200 });
  });
});

describe('ConditionEvaluator', () => {
  const on = new ConditionEvaluator(CONFIG);
  it('evaluates the kernel\'s condition forms', () => {
    assert.equal(on.evaluate('defined(CONFIG_PARAVIRT)'), true);
    assert.equal(on.evaluate('!defined(CONFIG_PARAVIRT)'), false);
    assert.equal(on.evaluate('defined(CONFIG_MMU_NOTIFIER)'), false);
    assert.equal(on.evaluate('IS_ENABLED(CONFIG_KVM)'), true);
    assert.equal(on.evaluate('IS_BUILTIN(CONFIG_KVM)'), false);
    assert.equal(on.evaluate('defined(CONFIG_KVM_MODULE)'), true);
    assert.equal(on.evaluate('CONFIG_NR_CPUS >= CONFIG_SPLIT_PTLOCK_CPUS'), true);
    assert.equal(on.evaluate('CONFIG_SMP && !defined(CONFIG_MMU_NOTIFIER)'), true);
  });

  it('gives C code the values of enumerators, and the preprocessor none of them', () => {
    const macros = new Map([['I_MUTEX_PARENT', [`${ENUMERATOR}1`]], ['I_MUTEX_CHILD', [`${ENUMERATOR}(I_MUTEX_PARENT) + 2`]], ['NESTING', ['I_MUTEX_CHILD']]]);
    const c = new ConditionEvaluator(CONFIG, macros);
    assert.equal(c.numeric('I_MUTEX_CHILD'), 3);
    assert.equal(c.numeric('NESTING'), 3);
    assert.equal(c.evaluate('I_MUTEX_PARENT'), null);
    assert.equal(c.evaluate('defined(I_MUTEX_PARENT)'), false);
    assert.equal(c.evaluate('defined(NESTING)'), true);
    assert.equal(c.defines('I_MUTEX_PARENT'), false);
  });

  it('reads names that end in U or L whole, and drops integer suffixes only', () => {
    const config = new ConditionEvaluator(parseKconfig('CONFIG_SRCU=y\nCONFIG_NO_HZ_FULL=y\nCONFIG_HZ=250\n'));
    assert.equal(config.evaluate('defined(CONFIG_SRCU)'), true);
    assert.equal(config.evaluate('!(defined(CONFIG_SRCU))'), false);
    assert.equal(config.evaluate('IS_ENABLED(CONFIG_NO_HZ_FULL)'), true);
    assert.equal(config.evaluate('CONFIG_HZ == 250UL'), true);
    assert.equal(config.evaluate('0x10UL == 16'), true);
  });

  it('keeps conditions on non-config macros unknown unless logic decides them', () => {
    assert.equal(on.evaluate('ALLOC_SPLIT_PTLOCKS'), null);
    assert.equal(on.evaluate('ALLOC_SPLIT_PTLOCKS && defined(CONFIG_MMU_NOTIFIER)'), false);
    assert.equal(on.evaluate('ALLOC_SPLIT_PTLOCKS || defined(CONFIG_SMP)'), true);
    assert.equal(on.evaluate('sizeof(long) > 4'), null);
  });

  it('without a config everything is possible', () => {
    const none = new ConditionEvaluator(null);
    assert.equal(none.evaluate('defined(CONFIG_SMP)'), null);
    assert.equal(none.allowed(['defined(CONFIG_SMP)', '!defined(CONFIG_SMP)']), true);
    assert.equal(on.allowed(['defined(CONFIG_SMP)', '!defined(CONFIG_PARAVIRT)']), false);
  });
});

describe('conditionsByLine', () => {
  it('tracks #if/#elif/#else nesting by line and ignores include guards, not #ifndef defaults', async () => {
    const { conditionsByLine } = await import('../src/parse/conditionals.js');
    const src = [
      '#ifndef _LINUX_X_H', // 1
      '#define _LINUX_X_H', // 2
      '#ifdef CONFIG_A', // 3
      'int a;', // 4
      '#elif defined(CONFIG_B)', // 5
      'int b;', // 6
      '#else', // 7
      'int c;', // 8
      '#endif', // 9
      '#ifndef HZ', // 10
      '#define HZ 100', // 11
      '#endif', // 12
      '#endif', // 13
    ].join('\n');
    const at = conditionsByLine(src);
    assert.deepEqual(at[4], ['defined(CONFIG_A)']);
    assert.deepEqual(at[6], ['!(defined(CONFIG_A))', '(defined(CONFIG_B))']);
    assert.deepEqual(at[8], ['!(defined(CONFIG_A))', '!(defined(CONFIG_B))']);
    assert.deepEqual(at[11], ['!defined(HZ)']);
    assert.deepEqual(at[13], []);
  });
});
