import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guardDefinitions } from '../src/facts/guards.js';

describe('guard classes a tree defines (DEFINE_GUARD, DEFINE_LOCK_GUARD_0/1/2)', () => {
  it('reads the lock and unlock calls, with the guard argument and private state told apart', () => {
    const src = [
      'DEFINE_GUARD(pmutex, struct pmutex *, pmutex_lock(_T), pmutex_unlock(_T))',
      'DEFINE_LOCK_GUARD_0(hotplug_read, hotplug_read_lock(), hotplug_read_unlock())',
      'DEFINE_LOCK_GUARD_1(qdev_irqsave, struct qdev,',
      '\t\t    qdev_lock_irqsave(_T->lock, &_T->qf),',
      '\t\t    qdev_unlock_irqrestore(_T->lock, &_T->qf),',
      '\t\t    struct qdev_flags qf)',
      'DEFINE_LOCK_GUARD_2(double_qdev, struct qdev, double_qdev_lock(_T->lock, _T->lock2, SINGLE_DEPTH_NESTING), double_qdev_unlock(_T->lock, _T->lock2))',
      'DEFINE_LOCK_GUARD_1(cpu_core, int, core_lock(*_T->lock, &_T->flags), core_unlock(*_T->lock, &_T->flags), unsigned long flags)',
    ].join('\n');
    assert.deepEqual(guardDefinitions(src).map(({ name, lock, unlock, line }) => ({ name, lock, unlock, line })), [
      { name: 'pmutex', lock: { fn: 'pmutex_lock', args: [{ arg: 0 }] }, unlock: { fn: 'pmutex_unlock', args: [{ arg: 0 }] }, line: 1 },
      { name: 'hotplug_read', lock: { fn: 'hotplug_read_lock', args: [] }, unlock: { fn: 'hotplug_read_unlock', args: [] }, line: 2 },
      {
        name: 'qdev_irqsave', line: 3,
        lock: { fn: 'qdev_lock_irqsave', args: [{ arg: 0 }, { slot: 'qf' }] },
        unlock: { fn: 'qdev_unlock_irqrestore', args: [{ arg: 0 }, { slot: 'qf' }] },
      },
      {
        name: 'double_qdev', line: 7,
        lock: { fn: 'double_qdev_lock', args: [{ arg: 0 }, { arg: 1 }, { name: 'SINGLE_DEPTH_NESTING' }] },
        unlock: { fn: 'double_qdev_unlock', args: [{ arg: 0 }, { arg: 1 }] },
      },
      {
        name: 'cpu_core', line: 8,
        lock: { fn: 'core_lock', args: [{ arg: 0, deref: true }, { slot: 'flags' }] },
        unlock: { fn: 'core_unlock', args: [{ arg: 0, deref: true }, { slot: 'flags' }] },
      },
    ]);
  });

  it('leaves out conditional guards, guards keeping a call result as state, and the macros defining them', () => {
    const src = [
      '#define DEFINE_LOCK_GUARD_1(_name, _type, _lock, _unlock, ...) \\',
      '__DEFINE_UNLOCK_GUARD(_name, _type, _unlock, __VA_ARGS__)',
      'DEFINE_LOCK_GUARD_1_COND(qdev, _try, qdev_trylock(_T->lock))',
      'DEFINE_LOCK_GUARD_1(task_qdev, struct task, _T->qd = task_qdev_lock(_T->lock, &_T->qf),',
      '\t\t    task_qdev_unlock(_T->qd, _T->lock, &_T->qf), struct qdev *qd; struct qdev_flags qf)',
      'DEFINE_LOCK_GUARD_1(broken, struct qdev, qdev_lock(_T->lock)',
    ].join('\n');
    assert.deepEqual(guardDefinitions(src), []);
  });

  it('records the #if conditions around a definition', () => {
    const src = 'DEFINE_LOCK_GUARD_0(hotplug_read, hotplug_read_lock(), hotplug_read_unlock())\n';
    assert.deepEqual(guardDefinitions(src, (line) => (line === 1 ? ['CONFIG_HOTPLUG_CPU'] : []))[0]?.conditions, ['CONFIG_HOTPLUG_CPU']);
  });
});
