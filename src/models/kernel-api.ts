// The kernel's lock, irq and IPI API as data (smatch-style tables). The analysis reads
// these tables; adding an API means adding a row, not touching the analysis.
import { ATOMICITY_TESTS, type Atomicity } from './atomicity.js';
import { CONTEXT_TESTS, type ExecContext } from './contexts.js';
import type { WaitKind } from '../resources/waits.js';

export type LockMode = 'read' | 'write';
export type IrqEffect = 'disable' | 'enable' | 'save' | 'restore';

export interface LockOp {
  op: 'acquire' | 'release' | 'trylock';
  /** Argument holding the lock pointer. */
  lockArg: number;
  /** The lock is a field of the argument: `mmap_read_lock(mm)` takes `&mm->mmap_lock`. */
  lockField?: string;
  mode: LockMode;
  /** Spinning locks block irq handlers' CPUs; sleeping ones (mutex, rwsem) never spin with irqs off. */
  spins: boolean;
  /** Irq effect that comes with the op: `_irq` disables before spinning, `_irqrestore` restores. */
  irq?: IrqEffect;
  /** Argument holding the saved flags for `_irqsave` / `_irqrestore`. */
  flagsArg?: number;
  /** Argument holding the lockdep subclass of a `_nested` acquisition (`spin_lock_nested(l, SINGLE_DEPTH_NESTING)`). */
  subclassArg?: number;
  /**
   * `_nest_lock` (`mutex_lock_nest_lock(&x->lock, &parent)`): the outer lock serialises taking
   * many locks of this class, so lockdep allows one more of the class while others are held.
   */
  nestLock?: true;
  /** How the waiter stands in the lock's queue, for reader-writer locks (`LockQueue`). */
  queue?: LockQueue;
  /** `_bh`: bottom halves are off from the acquisition until the release. */
  bhOff?: true;
  /**
   * A read-side section of a wait's place (`srcu_read_lock(&x->srcu)`): the lock is that place's
   * resource (`(srcu)x.srcu`, named as the wait names it), and taking it never waits.
   */
  section?: WaitKind;
  /**
   * A section's start that sleeps though it waits for no holder of the section's resource:
   * `blk_mq_freeze_queue()` waits for the requests in flight to drain.
   */
  sleeps?: true;
}

/**
 * Where a reader-writer lock's waiter queues. A `fair-writer` (`write_lock`, `down_write`) that
 * waits makes later readers in process context queue behind it (qrwlock, rwsem): a read held
 * elsewhere then blocks a new reader. A `recursive-reader` never queues behind a writer: qrwlock
 * lets readers in interrupt context through, and `read_lock_bh` runs with bh disabled, which
 * `in_interrupt()` counts (lockdep calls these reads recursive). Other waits are `plain`.
 */
export type LockQueue = 'plain' | 'fair-writer' | 'recursive-reader';

export interface IrqOp { irq: IrqEffect; flagsArg?: number }

/** A wait for other CPUs to run an IPI callback; `when` says which argument turns it on. */
export interface IpiWaitOp {
  ipiWait: true;
  when: { always: true } | { arg: number; flag?: string };
}

/**
 * A call through an ops-struct field named by an argument: x86 paravirt's
 * `PVOP_VCALL2(mmu.flush_tlb_multi, a, b)` calls whatever `.flush_tlb_multi` is bound to,
 * with the remaining arguments.
 */
export interface FieldCallOp { callsField: number }

/**
 * A call whose internals the analysis does not follow. The page and slab allocators take only
 * leaf locks (zone->lock, kmem_cache_node.list_lock: nothing else is taken under them), and
 * their reclaim/OOM paths run only for sleeping GFP flags, which a spinlock holder cannot
 * pass. Following them makes every lock held around a kmalloc() look like it orders against
 * the whole of reclaim.
 */
export interface LeafCall {
  leaf: 'allocator' | 'schedule';
  /** An allocator's GFP flags argument: it may sleep when they allow direct reclaim (models/gfp.ts). */
  gfpArg?: number;
  /** An allocator that always may sleep (`vmalloc`). */
  sleeps?: true;
  /** A preemption point (`__preempt_schedule()`): reached only outside atomic context. */
  preemption?: true;
}

/**
 * A call that may sleep (`msleep`, `wait_for_completion`, `synchronize_rcu`, `flush_work`,
 * `copy_from_user`): never in atomic context (`sleep-in-atomic`), whatever paths inside it the
 * analysis can see. Still followed where it is defined, for the locks it takes.
 */
export interface MaySleep {
  maySleep: true;
  /**
   * The run the call waits to end, and the argument naming its place (`flush_work(&x->work)`,
   * `kthread_stop(x->task)`): the wait takes and drops the place's resource (models/waits.ts).
   */
  waitsOn?: { kind: WaitKind; arg: number };
  /** No sleep and no wait where argument `arg` has `flag`: `blk_queue_enter(q, BLK_MQ_REQ_NOWAIT)` fails instead. */
  unlessFlag?: { arg: number; flag: string };
}

/**
 * A put whose teardown runs later, not in the caller: `mntput()`'s last reference queues
 * `cleanup_mnt()` (and so `deactivate_super()`) as task work, or on a workqueue from a kthread,
 * so none of it runs under the caller's locks. Only an internal mount's last put, at
 * `kern_unmount()` when nobody else can reach the mount, tears down in place. Not followed.
 */
export interface DeferredPut { deferred: 'put' }

/** A call that does not return: the path ends there (its callees are the dying machine's). */
export interface NoReturn { noreturn: true }

/**
 * A test that tells when the last reference goes: on its true branch (`refcount_dec_and_test`) or
 * its false one (`if (refcount_dec_not_one(&r)) return;`). What runs there frees the object;
 * callers holding a reference never reach it, so its effects stay in the function and are not
 * exported to callers.
 */
export interface LastPutTest { lastPut: 'whenTrue' | 'whenFalse' }

/** A compile-time config test used in C code: `if (IS_ENABLED(CONFIG_PREEMPT_RT))`. */
export interface ConfigTest { configTest: true }

/** A test of GFP flags: true when they allow direct reclaim (`gfpflags_allow_blocking(gfp)`). */
export interface GfpTest { gfpTest: number }

/** Branch-prediction hints and double negation: the condition is the argument. */
export interface TransparentTest { transparent: true }

/** A test of the execution context (`in_interrupt()`), true in these contexts (models/contexts.ts). */
export interface ContextTest { contextTest: readonly ExecContext[] }

/** A test of irqs and preemption (`in_atomic()`, `irqs_disabled()`), true in these (models/atomicity.ts). */
export interface AtomicityTest { atomicityTest: readonly Atomicity[] }

/**
 * An assertion that a lock is held (`lockdep_assert_held(&l)`, `ASSERT_RTNL()`): the code says
 * every caller holds it. The lock is an argument's, or the one a named function takes
 * (`rtnl_lock`). `mode`: `write` for `_held_write`, `read` for `_held_read`, `any` when the
 * assertion accepts either (the lock's type decides: a mutex or spinlock is only ever held for write).
 */
export interface AssertHeld { assertHeld: { lockArg: number } | { lockOf: string }; mode: LockMode | 'any' }

export type ApiModel = LockOp | IrqOp | IpiWaitOp | FieldCallOp | LeafCall | MaySleep | DeferredPut | NoReturn | LastPutTest | ConfigTest
  | TransparentTest | GfpTest | ContextTest | AtomicityTest | AssertHeld | { rcu: 'enter' | 'exit' } | { passThrough: number };

/** `lock`/`unlock`: the operations' names before their suffixes; `trylock`, where the family has one. */
interface SpinningFamily { lock: string; unlock: string; trylock?: string; mode: LockMode; queue?: LockQueue }

const family = (prefix: string, mode: LockMode, queue?: LockQueue): SpinningFamily =>
  ({ lock: `${prefix}_lock`, unlock: `${prefix}_unlock`, trylock: `${prefix}_trylock`, mode, ...(queue ? { queue } : {}) });

const SPINNING_FAMILIES: SpinningFamily[] = [
  family('spin', 'write'),
  family('raw_spin', 'write'),
  family('read', 'read'),
  family('write', 'write', 'fair-writer'),
  // A seqlock's readers retry rather than wait: its writer queues nobody. A locking reader
  // (`read_seqlock_excl()`) takes the seqlock's spinlock as its writer does: the same class.
  { lock: 'write_seqlock', unlock: 'write_sequnlock', mode: 'write' },
  { lock: 'read_seqlock_excl', unlock: 'read_sequnlock_excl', mode: 'write' },
];

/** Suffix of `<family>_lock<suffix>` and what it adds to the acquisition. */
const ACQUIRE_SUFFIXES: { suffix: string; irq?: IrqEffect; flagsArg?: number; subclassArg?: number; nestLock?: true; bhOff?: true }[] = [
  { suffix: '' },
  { suffix: '_nested', subclassArg: 1 },
  { suffix: '_nest_lock', nestLock: true },
  { suffix: '_bh', bhOff: true },
  { suffix: '_irq', irq: 'disable' },
  { suffix: '_irqsave', irq: 'save', flagsArg: 1 },
  { suffix: '_irqsave_nested', irq: 'save', flagsArg: 1, subclassArg: 2 },
];

const RELEASE_SUFFIXES: { suffix: string; irq?: IrqEffect; flagsArg?: number }[] = [
  { suffix: '' },
  { suffix: '_bh' },
  { suffix: '_irq', irq: 'enable' },
  { suffix: '_irqrestore', irq: 'restore', flagsArg: 1 },
];

function spinningLockTable(): Record<string, ApiModel> {
  const table: Record<string, ApiModel> = {};
  for (const { lock, unlock, trylock, mode, queue } of SPINNING_FAMILIES) {
    for (const a of ACQUIRE_SUFFIXES) {
      table[lock + a.suffix] = {
        op: 'acquire', lockArg: 0, mode, spins: true, ...irqPart(a), ...(a.subclassArg ? { subclassArg: a.subclassArg } : {}), ...(a.nestLock ? { nestLock: true } : {}),
        ...queuePart(mode, queue, a.bhOff), ...(a.bhOff ? { bhOff: true } : {}),
      };
    }
    for (const r of RELEASE_SUFFIXES) table[unlock + r.suffix] = { op: 'release', lockArg: 0, mode, spins: true, ...irqPart(r) };
    if (trylock) {
      table[trylock] = { op: 'trylock', lockArg: 0, mode, spins: true };
      table[`${trylock}_bh`] = { op: 'trylock', lockArg: 0, mode, spins: true };
      table[`${trylock}_irq`] = { op: 'trylock', lockArg: 0, mode, spins: true, irq: 'disable' };
      table[`${trylock}_irqsave`] = { op: 'trylock', lockArg: 0, mode, spins: true, irq: 'save', flagsArg: 1 };
    }
  }
  return table;
}

function queuePart(mode: LockMode, queue: LockQueue | undefined, bhOff: true | undefined): { queue?: LockQueue } {
  if (queue) return { queue };
  return mode === 'read' && bhOff ? { queue: 'recursive-reader' } : {};
}

function irqPart(s: { irq?: IrqEffect; flagsArg?: number }): { irq?: IrqEffect; flagsArg?: number } {
  const out: { irq?: IrqEffect; flagsArg?: number } = {};
  if (s.irq) out.irq = s.irq;
  if (s.flagsArg !== undefined) out.flagsArg = s.flagsArg;
  return out;
}

const sleeping = (op: LockOp['op'], mode: LockMode): LockOp => ({ op, lockArg: 0, mode, spins: false });
const nested = (mode: LockMode): LockOp => ({ ...sleeping('acquire', mode), subclassArg: 1 });
const underNestLock = (mode: LockMode): LockOp => ({ ...sleeping('acquire', mode), nestLock: true });
/** An rwsem writer: readers that come after it wait behind it. */
const fair = (op: LockOp): LockOp => ({ ...op, queue: 'fair-writer' });

const SLEEPING_LOCKS: Record<string, LockOp> = {
  mutex_lock: sleeping('acquire', 'write'),
  mutex_lock_nested: nested('write'),
  mutex_lock_interruptible_nested: nested('write'),
  mutex_lock_killable_nested: nested('write'),
  mutex_lock_nest_lock: underNestLock('write'),
  mutex_lock_killable_nest_lock: underNestLock('write'),
  mutex_lock_interruptible: sleeping('acquire', 'write'),
  mutex_lock_killable: sleeping('acquire', 'write'),
  mutex_lock_io: sleeping('acquire', 'write'),
  mutex_trylock: sleeping('trylock', 'write'),
  mutex_unlock: sleeping('release', 'write'),
  down_read: sleeping('acquire', 'read'),
  down_read_nested: nested('read'),
  down_read_killable: sleeping('acquire', 'read'),
  down_read_interruptible: sleeping('acquire', 'read'),
  down_read_trylock: sleeping('trylock', 'read'),
  up_read: sleeping('release', 'read'),
  down_write: fair(sleeping('acquire', 'write')),
  down_write_nested: fair(nested('write')),
  down_write_killable_nested: fair(nested('write')),
  down_write_nest_lock: fair(underNestLock('write')),
  down_write_killable: fair(sleeping('acquire', 'write')),
  down_write_trylock: sleeping('trylock', 'write'),
  up_write: sleeping('release', 'write'),
  // Percpu rw-semaphores (`cpu_hotplug_lock`, a super_block's freeze levels): a reader waits
  // behind a writer that waits (`__percpu_down_read()`), as on an rwsem; lockdep's reads of them
  // are not recursive.
  percpu_down_read: sleeping('acquire', 'read'),
  percpu_down_read_trylock: sleeping('trylock', 'read'),
  percpu_up_read: sleeping('release', 'read'),
  percpu_down_write: fair(sleeping('acquire', 'write')),
  percpu_up_write: sleeping('release', 'write'),
  // Lockdep's own release of a percpu rw-semaphore the task keeps holding: `freeze_super()` hands
  // its freeze levels over this way when it returns (`lockdep_sb_freeze_release()`), so lockdep,
  // and this analysis, see no order from what the caller does while the filesystem is frozen.
  percpu_rwsem_release: sleeping('release', 'write'),
  mmap_read_lock: { ...sleeping('acquire', 'read'), lockField: 'mmap_lock' },
  mmap_read_lock_killable: { ...sleeping('acquire', 'read'), lockField: 'mmap_lock' },
  mmap_read_trylock: { ...sleeping('trylock', 'read'), lockField: 'mmap_lock' },
  mmap_read_unlock: { ...sleeping('release', 'read'), lockField: 'mmap_lock' },
  mmap_write_lock: { ...fair(sleeping('acquire', 'write')), lockField: 'mmap_lock' },
  mmap_write_lock_killable: { ...fair(sleeping('acquire', 'write')), lockField: 'mmap_lock' },
  mmap_write_trylock: { ...sleeping('trylock', 'write'), lockField: 'mmap_lock' },
  mmap_write_unlock: { ...sleeping('release', 'write'), lockField: 'mmap_lock' },
};

const IRQ_OPS: Record<string, IrqOp> = {
  local_irq_disable: { irq: 'disable' },
  local_irq_enable: { irq: 'enable' },
  raw_local_irq_disable: { irq: 'disable' },
  raw_local_irq_enable: { irq: 'enable' },
  local_irq_save: { irq: 'save', flagsArg: 0 },
  local_irq_restore: { irq: 'restore', flagsArg: 0 },
  raw_local_irq_save: { irq: 'save', flagsArg: 0 },
  raw_local_irq_restore: { irq: 'restore', flagsArg: 0 },
};

const waitIf = (arg: number, flag?: string): IpiWaitOp =>
  ({ ipiWait: true, when: flag ? { arg, flag } : { arg } });

/** Cross-CPU function calls: the caller spins until every target CPU has run the callback. */
const IPI_WAITS: Record<string, IpiWaitOp> = {
  smp_call_function: waitIf(2),
  smp_call_function_many: waitIf(3),
  smp_call_function_single: waitIf(3),
  smp_call_function_any: waitIf(3),
  smp_call_function_many_cond: waitIf(3, 'SCF_WAIT'),
  on_each_cpu: waitIf(2),
  on_each_cpu_mask: waitIf(3),
  on_each_cpu_cond: waitIf(3),
  on_each_cpu_cond_mask: waitIf(3),
  csd_lock_wait: { ipiWait: true, when: { always: true } },
  kick_all_cpus_sync: { ipiWait: true, when: { always: true } },
};

/** Functions whose value is their argument's, as far as lock identity goes. */
const PASS_THROUGH: Record<string, { passThrough: number }> = {
  this_cpu_ptr: { passThrough: 0 },
  raw_cpu_ptr: { passThrough: 0 },
  per_cpu_ptr: { passThrough: 0 },
  per_cpu: { passThrough: 0 },
  READ_ONCE: { passThrough: 0 },
  rcu_dereference: { passThrough: 0 },
  rcu_dereference_protected: { passThrough: 0 },
  rcu_dereference_raw: { passThrough: 0 },
  rcu_dereference_check: { passThrough: 0 },
  smp_load_acquire: { passThrough: 0 },
  // Reference gets that return the object they were given and take no lock
  // (`dev = get_device(dev);`); not `dget()`, whose lockref may spin on `d_lock`.
  ...Object.fromEntries(['get_device', 'kobject_get', 'get_task_struct', 'skb_get', 'get_net', 'pci_dev_get', 'usb_get_dev', 'usb_get_intf', 'of_node_get', 'mntget', 'get_file']
    .map((name) => [name, { passThrough: 0 }])),
};

function paravirtCalls(): Record<string, FieldCallOp> {
  const table: Record<string, FieldCallOp> = {};
  for (let n = 0; n <= 4; n++) {
    for (const name of ['PVOP_CALL', 'PVOP_VCALL', 'PVOP_CALLEE', 'PVOP_VCALLEE', 'PVOP_ALT_CALL', 'PVOP_ALT_VCALL', 'PVOP_ALT_CALLEE', 'PVOP_ALT_VCALLEE']) {
      table[`${name}${n}`] = { callsField: 0 };
    }
  }
  return table;
}

/** Allocators and the index of their GFP flags argument (null: none, as for the frees). */
const ALLOCATOR_GFP_ARGS: Record<string, number | null> = {
  kmalloc: 1, kzalloc: 1, kmalloc_array: 2, kcalloc: 2, kmalloc_node: 1, kzalloc_node: 1, kmalloc_array_node: 2,
  kcalloc_node: 2, __kmalloc: 1, __kmalloc_node: 1, kmalloc_trace: 1, kmalloc_large: 1, kmalloc_large_node: 1,
  krealloc: 2, kmemdup: 2, kstrdup: 1, kvmalloc: 1, kvzalloc: 1, kvmalloc_node: 1, kvcalloc: 2, kvmalloc_array: 2,
  kmem_cache_alloc: 1, kmem_cache_zalloc: 1, kmem_cache_alloc_node: 1, kmem_cache_alloc_lru: 2, kmem_cache_alloc_bulk: 1,
  alloc_pages: 0, alloc_page: 0, __alloc_pages: 0, alloc_pages_node: 1, __alloc_pages_node: 1, folio_alloc: 0,
  __folio_alloc: 0, alloc_pages_vma: 0, vma_alloc_folio: 0, __get_free_pages: 0, __get_free_page: 0, get_zeroed_page: 0,
  alloc_pages_exact: 1, kfree: null, kvfree: null, kfree_sensitive: null, kmem_cache_free: null, kmem_cache_free_bulk: null,
  free_pages: null, __free_pages: null, free_page: null, __free_page: null, free_pages_exact: null, free_unref_page: null,
  vfree: null, vfree_atomic: null, vunmap: null,
};

/** vmalloc maps pages with GFP_KERNEL page tables: it always may sleep. */
const ALWAYS_SLEEPING_ALLOCATORS = ['vmalloc', '__vmalloc', '__vmalloc_node', 'vzalloc', 'vmalloc_node', 'vzalloc_node', 'vmalloc_user', 'vmalloc_32', 'vmalloc_32_user', 'vmalloc_huge'];

const ALLOCATOR: Record<string, LeafCall> = {
  ...Object.fromEntries(Object.entries(ALLOCATOR_GFP_ARGS).map(([name, gfpArg]): [string, LeafCall] =>
    [name, gfpArg === null ? { leaf: 'allocator' } : { leaf: 'allocator', gfpArg }])),
  ...Object.fromEntries(ALWAYS_SLEEPING_ALLOCATORS.map((name): [string, LeafCall] => [name, { leaf: 'allocator', sleeps: true }])),
};

/**
 * Entering the scheduler. A CPU that schedules holds no spinlock and has irqs on (else it is
 * a "scheduling while atomic" bug, a different check); the rq and perf locks the scheduler
 * takes inside never order against the caller's. `preempt_enable()` reaches here only when
 * the preempt count drops to zero, i.e. when no spinlock is held.
 */
const SCHEDULE: Record<string, LeafCall> = {
  ...Object.fromEntries([
    'schedule', '__schedule', 'schedule_idle', 'schedule_preempt_disabled',
    'schedule_timeout', 'schedule_timeout_interruptible', 'schedule_timeout_killable', 'schedule_timeout_uninterruptible',
    'schedule_hrtimeout', 'schedule_hrtimeout_range', 'io_schedule', 'io_schedule_timeout', 'cond_resched', '__cond_resched',
    'yield',
  ].map((name): [string, LeafCall] => [name, { leaf: 'schedule' }])),
  // `preempt_enable()` calls these only when the preempt count drops to zero: never in atomic
  // context, so never a sleep there.
  ...Object.fromEntries([
    'preempt_schedule', 'preempt_schedule_notrace', '__preempt_schedule', '__preempt_schedule_notrace', 'preempt_schedule_common',
    'preempt_schedule_irq',
  ].map((name): [string, LeafCall] => [name, { leaf: 'schedule', preemption: true }])),
};

const tableOf = <T>(names: string[], model: T): Record<string, T> => Object.fromEntries(names.map((n) => [n, model]));

const NORETURN = tableOf(['panic', 'BUG', 'do_exit', 'make_task_dead', 'kthread_exit', 'do_group_exit', 'machine_halt',
  'machine_power_off', 'emergency_restart', '__stack_chk_fail', 'nmi_panic'], { noreturn: true } as NoReturn);

/** Calls that may sleep, besides sleeping locks, the scheduler and allocators. */
const MAY_SLEEP = tableOf([
  'might_sleep', 'msleep', 'msleep_interruptible', 'ssleep', 'usleep_range', 'usleep_range_state', 'fsleep',
  'wait_for_completion_interruptible', 'wait_for_completion_killable', 'wait_for_completion_timeout',
  'wait_for_completion_interruptible_timeout', 'wait_for_completion_killable_timeout',
  'wait_for_completion_io_timeout', 'synchronize_rcu', 'synchronize_rcu_expedited',
  'synchronize_net', 'rcu_barrier', 'srcu_barrier', 'flush_scheduled_work',
  'copy_from_user', 'copy_to_user', 'get_user', 'put_user', 'clear_user', 'strncpy_from_user', 'might_fault', '__might_fault',
  // Counting semaphores: no lockdep class, no order, but each waits for an `up()`.
  'down', 'down_interruptible', 'down_killable', 'down_timeout',
  // Defined in kernel/, mm/ or drivers/base/: a scan of fs/ or of one driver's directory reads no body that says so.
  'wait_for_completion_state', 'synchronize_rcu_tasks', 'synchronize_rcu_tasks_trace', 'synchronize_rcu_tasks_rude',
  'synchronize_irq', 'flush_rcu_work', 'stop_machine', 'request_firmware',
  // Map pages into vmalloc space: page tables come with GFP_KERNEL.
  'vmap', 'vm_map_ram', 'vmap_pfn',
], { maySleep: true } as MaySleep);

/**
 * Waits for one work item to finish running (models/waits.ts), the item in argument 0: a
 * workqueue's, or a kthread worker's (`kthread_flush_work()`, which lockdep does not see).
 */
const WORK_FLUSHES = tableOf(['flush_work', 'flush_delayed_work', 'cancel_work_sync', 'cancel_delayed_work_sync',
  'kthread_flush_work', 'kthread_cancel_work_sync', 'kthread_cancel_delayed_work_sync'],
  { maySleep: true, waitsOn: { kind: 'work', arg: 0 } } as MaySleep);

/**
 * Waits for a `complete()` of the completion in argument 0 (models/waits.ts), with no way out:
 * not the forms that time out or that a signal interrupts, whose waiter gets out by itself.
 */
const COMPLETION_WAITS = tableOf(['wait_for_completion', 'wait_for_completion_io'],
  { maySleep: true, waitsOn: { kind: 'completion', arg: 0 } } as MaySleep);

/**
 * Waits for every item queued on the workqueue in argument 0 to finish (resources/workqueue.ts),
 * or on the kthread worker (`kthread_destroy_worker()` flushes it before it stops the thread).
 */
const WORKQUEUE_FLUSHES = tableOf(['flush_workqueue', 'drain_workqueue', 'destroy_workqueue', 'kthread_flush_worker', 'kthread_destroy_worker'],
  { maySleep: true, waitsOn: { kind: 'workqueue', arg: 0 } } as MaySleep);

/** Waits for every read-side section of the SRCU domain in argument 0 to end (resources/srcu.ts). */
const SRCU_WAITS = tableOf(['synchronize_srcu', 'synchronize_srcu_expedited'],
  { maySleep: true, waitsOn: { kind: 'srcu', arg: 0 } } as MaySleep);

/** SRCU read-side sections: a recursive read of the domain's resource, that never waits. */
const srcuReader = (op: 'acquire' | 'release'): LockOp => ({ op, lockArg: 0, mode: 'read', spins: false, queue: 'recursive-reader', section: 'srcu' });
const SRCU_SECTIONS: Record<string, LockOp> = {
  ...tableOf(['srcu_read_lock', 'srcu_read_lock_nmisafe', 'srcu_read_lock_notrace'], srcuReader('acquire')),
  ...tableOf(['srcu_read_unlock', 'srcu_read_unlock_nmisafe', 'srcu_read_unlock_notrace'], srcuReader('release')),
};

/**
 * Queue freeze (resources/freeze.ts): a freezer holds the queue's section from the freeze to the
 * unfreeze, and the freeze sleeps until the requests in flight drain. Only the API that drivers
 * pair with an unfreeze: the block layer's own `blk_freeze_queue()` and `blk_freeze_queue_start()`
 * also start the drain of a dying queue (`blk_queue_start_drain()`, `blk_mq_destroy_queue()`),
 * which is never unfrozen and which entries leave at once instead of waiting.
 */
const freezer = (op: 'acquire' | 'release'): LockOp => ({
  op, lockArg: 0, mode: 'read', spins: false, queue: 'recursive-reader', section: 'freeze', ...(op === 'acquire' ? { sleeps: true as const } : {}),
});
const QUEUE_FREEZES: Record<string, LockOp> = {
  blk_mq_freeze_queue: freezer('acquire'),
  ...tableOf(['blk_mq_unfreeze_queue', '__blk_mq_unfreeze_queue'], freezer('release')),
};

/** Entries into a request queue, which wait while it is frozen (resources/freeze.ts). */
const QUEUE_ENTRIES = {
  blk_queue_enter: { maySleep: true, waitsOn: { kind: 'freeze', arg: 0 }, unlessFlag: { arg: 1, flag: 'BLK_MQ_REQ_NOWAIT' } } as MaySleep,
  __bio_queue_enter: { maySleep: true, waitsOn: { kind: 'freeze', arg: 0 } } as MaySleep,
};

/** Waits for a kthread's function to return or park (models/waits.ts), the task in argument 0. */
const KTHREAD_STOPS = tableOf(['kthread_stop', 'kthread_stop_put', 'kthread_park'],
  { maySleep: true, waitsOn: { kind: 'kthread', arg: 0 } } as MaySleep);

const DEFERRED_PUTS = tableOf(['mntput'], { deferred: 'put' } as DeferredPut);

const LAST_PUT = tableOf(['refcount_dec_and_test', 'refcount_sub_and_test', '__refcount_dec_and_test', '__refcount_sub_and_test', 'atomic_dec_and_test', 'atomic_sub_and_test',
  'atomic_long_dec_and_test', 'atomic_long_sub_and_test', 'atomic64_dec_and_test', 'atomic64_sub_and_test',
  'refcount_dec_and_lock', 'refcount_dec_and_lock_irqsave', 'refcount_dec_and_mutex_lock', 'atomic_dec_and_lock',
  'atomic_dec_and_lock_irqsave', 'atomic_dec_and_mutex_lock', 'atomic_dec_and_raw_lock', 'kref_put', 'kref_put_lock',
  'kref_put_mutex', 'put_page_testzero', 'folio_put_testzero', 'percpu_ref_put_many', 'refcount_dec_if_one'], { lastPut: 'whenTrue' } as LastPutTest);
/**
 * Fields an open-coded reference drop counts down (`if (--server->srv_count > 0) return;`,
 * `if (!--obj->refcnt)`): the branch where the count reaches zero is the last put, as with
 * `refcount_dec_and_test()`. By name, as kernel code names its reference counts. Not counts of
 * uses, opens or nesting (`use_count`, `vmap_use_count`, `open_count`): the caller that opened,
 * mapped or began is the one whose close, unmap or end reaches zero.
 */
export function isReferenceCountField(field: string): boolean {
  return /(?:ref|refs|refcnt|refcount|count|cnt)$/i.test(field) && !/(?:^|_)(?:use|usage|open|users?|nest|nesting|depth)_?(?:count|cnt)$/i.test(field);
}

/** `if (refcount_dec_not_one(&r)) return;`: what follows runs only for the last reference. */
const NOT_LAST_PUT = tableOf(['refcount_dec_not_one'], { lastPut: 'whenFalse' } as LastPutTest);

const ASSERT_HELD: Record<string, AssertHeld> = {
  lockdep_assert_held: { assertHeld: { lockArg: 0 }, mode: 'any' },
  lockdep_assert_held_once: { assertHeld: { lockArg: 0 }, mode: 'any' },
  lockdep_assert_held_write: { assertHeld: { lockArg: 0 }, mode: 'write' },
  lockdep_assert_held_read: { assertHeld: { lockArg: 0 }, mode: 'read' },
  // `WARN_ONCE(!rtnl_is_locked(), …)`: the mutex `rtnl_lock()` takes.
  ASSERT_RTNL: { assertHeld: { lockOf: 'rtnl_lock' }, mode: 'write' },
};

const CONFIG_TESTS = tableOf(['IS_ENABLED', 'IS_BUILTIN', 'IS_MODULE', 'IS_REACHABLE'], { configTest: true } as ConfigTest);
const GFP_TESTS = tableOf(['gfpflags_allow_blocking'], { gfpTest: 0 } as GfpTest);
const TRANSPARENT_TESTS = tableOf(['likely', 'unlikely', 'likely_notrace', 'unlikely_notrace'], { transparent: true } as TransparentTest);

/**
 * Scope-based locks (`<linux/cleanup.h>`, 6.5+): `guard(spinlock_irqsave)(&l);` takes the lock
 * until the end of the enclosing block, `scoped_guard(mutex, &m) { … }` for its body. Each class
 * is the pair of API calls it stands for; `flags`: the pair passes a saved-flags variable.
 */
export interface GuardClass { lock: string; unlock: string; flags?: boolean }

const guardPair = (lock: string, unlock: string, flags = false): GuardClass => (flags ? { lock, unlock, flags } : { lock, unlock });

export const GUARD_CLASSES: Readonly<Record<string, GuardClass>> = {
  spinlock: guardPair('spin_lock', 'spin_unlock'),
  spinlock_irq: guardPair('spin_lock_irq', 'spin_unlock_irq'),
  spinlock_irqsave: guardPair('spin_lock_irqsave', 'spin_unlock_irqrestore', true),
  spinlock_bh: guardPair('spin_lock_bh', 'spin_unlock_bh'),
  raw_spinlock: guardPair('raw_spin_lock', 'raw_spin_unlock'),
  raw_spinlock_irq: guardPair('raw_spin_lock_irq', 'raw_spin_unlock_irq'),
  raw_spinlock_irqsave: guardPair('raw_spin_lock_irqsave', 'raw_spin_unlock_irqrestore', true),
  read_lock: guardPair('read_lock', 'read_unlock'),
  read_lock_irq: guardPair('read_lock_irq', 'read_unlock_irq'),
  read_lock_irqsave: guardPair('read_lock_irqsave', 'read_unlock_irqrestore', true),
  write_lock: guardPair('write_lock', 'write_unlock'),
  write_lock_irq: guardPair('write_lock_irq', 'write_unlock_irq'),
  write_lock_irqsave: guardPair('write_lock_irqsave', 'write_unlock_irqrestore', true),
  mutex: guardPair('mutex_lock', 'mutex_unlock'),
  rwsem_read: guardPair('down_read', 'up_read'),
  rwsem_write: guardPair('down_write', 'up_write'),
  rcu: guardPair('rcu_read_lock', 'rcu_read_unlock'),
  irq: guardPair('local_irq_disable', 'local_irq_enable'),
  irqsave: guardPair('local_irq_save', 'local_irq_restore', true),
};

export function guardClassOf(name: string): GuardClass | undefined {
  return entryOf(GUARD_CLASSES, name);
}

export const KERNEL_API: Readonly<Record<string, ApiModel>> = {
  ...NORETURN,
  ...DEFERRED_PUTS,
  ...LAST_PUT,
  ...NOT_LAST_PUT,
  ...CONFIG_TESTS,
  ...TRANSPARENT_TESTS,
  ...GFP_TESTS,
  ...Object.fromEntries(Object.entries(CONTEXT_TESTS).map(([name, contextTest]) => [name, { contextTest }])),
  ...Object.fromEntries(Object.entries(ATOMICITY_TESTS).map(([name, atomicityTest]) => [name, { atomicityTest }])),
  ...ALLOCATOR,
  ...SCHEDULE,
  ...MAY_SLEEP,
  ...WORK_FLUSHES,
  ...KTHREAD_STOPS,
  ...COMPLETION_WAITS,
  ...WORKQUEUE_FLUSHES,
  ...SRCU_WAITS,
  ...SRCU_SECTIONS,
  ...QUEUE_FREEZES,
  ...QUEUE_ENTRIES,
  ...paravirtCalls(),
  ...spinningLockTable(),
  ...SLEEPING_LOCKS,
  ...IRQ_OPS,
  ...IPI_WAITS,
  ...PASS_THROUGH,
  ...ASSERT_HELD,
  rcu_read_lock: { rcu: 'enter' },
  rcu_read_unlock: { rcu: 'exit' },
};

/**
 * Lockdep calls that give the lock their argument points to a key (or a subclass) of the code's
 * choosing, at run time: `lockdep_set_class(&ei->i_data_sem, &key)`. The instances of such a
 * class are several lockdep classes the static class cannot tell apart. Name → the lock argument,
 * and the key or subclass argument that names the instance's class where the call gives one.
 */
interface Reclassing {
  lockArg: number;
  keyArg?: number;
  subclassArg?: number;
  /** The class it gives is one lockdep never validates: no order is recorded through it. */
  unchecked?: true;
}
const LOCKDEP_RECLASSING: Readonly<Record<string, Reclassing>> = {
  lockdep_set_class: { lockArg: 0, keyArg: 1 },
  lockdep_set_class_and_name: { lockArg: 0, keyArg: 1 },
  lockdep_set_class_and_subclass: { lockArg: 0, keyArg: 1, subclassArg: 2 },
  lockdep_set_subclass: { lockArg: 0, subclassArg: 1 },
  lockdep_set_novalidate_class: { lockArg: 0, unchecked: true },
  lockdep_set_notrack_class: { lockArg: 0, unchecked: true },
  // The initialisers behind `mutex_init()` and friends, called with a key the caller chose
  // (`__mutex_init(&h->resize_lock, "resize mutex", &h->resize_key)`: a class per hstate).
  __mutex_init: { lockArg: 0 },
  __init_rwsem: { lockArg: 0 },
  __raw_spin_lock_init: { lockArg: 0 },
  __spin_lock_init: { lockArg: 0 },
  __rwlock_init: { lockArg: 0 },
  // A super_block's freeze levels: `__percpu_init_rwsem(&s->s_writers.rw_sem[i], …, &type->s_writers_key[i])`.
  __percpu_init_rwsem: { lockArg: 0, keyArg: 2 },
};

/**
 * Calls that run a callback of the caller's on a new object before they return it:
 * `iget5_locked(sb, ino, test, set, data)` runs `set(inode, data)` on an inode it allocates. What
 * the callback re-keys of its first parameter (ocfs2 keys a system inode's `i_rwsem` there) is
 * the returned object's. Name → the callback argument.
 */
const INITIALISING_CALLBACKS: Readonly<Record<string, number>> = {
  iget5_locked: 3,
  iget5_locked_rcu: 3,
  inode_insert5: 3,
};

/** A table's own entry for `name` (never one of Object's: `constructor`, `toString`). */
export function entryOf<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
}

/** The argument of a call that names the callback it runs on the object it returns, or null. */
export function initialisingCallbackArg(name: string): number | null {
  return entryOf(INITIALISING_CALLBACKS, name) ?? null;
}

/** The lock argument of a call that re-keys a lock for lockdep, or null. */
export function reclassedLockArg(name: string): number | null {
  return entryOf(LOCKDEP_RECLASSING, name)?.lockArg ?? null;
}

/** The lock argument of a call that makes its lock one lockdep never validates, or null. */
export function uncheckedLockArg(name: string): number | null {
  const entry = entryOf(LOCKDEP_RECLASSING, name);
  return entry?.unchecked ? entry.lockArg : null;
}

/**
 * The lock and key arguments of a lockdep call that keys a lock array element by element, each
 * with the key of the same index (`__percpu_init_rwsem(&s->rw_sem[i], …, &type->keys[i])`), or null.
 */
export function elementKeyingArgs(name: string): { lockArg: number; keyArg: number } | null {
  const entry = entryOf(LOCKDEP_RECLASSING, name);
  return entry?.keyArg === undefined ? null : { lockArg: entry.lockArg, keyArg: entry.keyArg };
}

/** A call that gives one instance a class of its own (a key or a subclass), or undefined. */
export function instanceReclassing(name: string): Reclassing | undefined {
  const entry = entryOf(LOCKDEP_RECLASSING, name);
  return entry && (entry.keyArg !== undefined || entry.subclassArg !== undefined) ? entry : undefined;
}

/**
 * Lock initialisers that declare a `static struct lock_class_key` where they are written: each
 * place that calls one is a lockdep class of its own. Name → lock argument.
 */
const LOCK_INITIALISERS: Readonly<Record<string, number>> = {
  spin_lock_init: 0,
  raw_spin_lock_init: 0,
  rwlock_init: 0,
  mutex_init: 0,
  init_rwsem: 0,
  seqlock_init: 0,
  percpu_init_rwsem: 0,
};

/** The lock argument of a lock initialiser with a key per call site, or null. */
export function initialisedLockArg(name: string): number | null {
  return entryOf(LOCK_INITIALISERS, name) ?? null;
}

/**
 * Initialisers a keyed macro hands its `static struct lock_class_key` to, with the struct they
 * initialise, for scans that do not hold their definitions (`kernel/sched/wait.c` when only
 * `fs/` is scanned): each `init_waitqueue_head()` site is a lockdep class of its own.
 */
const KEYED_STRUCT_INITIALISERS: Readonly<Record<string, string>> = {
  __init_waitqueue_head: 'wait_queue_head',
  __init_swait_queue_head: 'swait_queue_head',
};

/**
 * Classes lockdep never validates, made so in code a scan of a subsystem does not hold:
 * `device_initialize()` (drivers/base/core.c) makes every `struct device`'s mutex lockdep's
 * novalidate class. It records no order through it (`device_lock(dev->parent)` then
 * `device_lock(dev)` is never its recursive locking), since a class cannot tell a parent, a
 * child, a supplier or the device being added apart.
 */
export const UNCHECKED_ELSEWHERE: ReadonlySet<string> = new Set(['device.mutex']);

/**
 * Subclass constants that also say which of a lock's keys the object has. The VFS gives a
 * directory's `i_rwsem` a key of its own (`i_mutex_dir_key`, lockdep_annotate_inode_mutex_key()),
 * and only a directory is locked as a parent (`inode_lock_nested(dir, I_MUTEX_PARENT)`): its
 * subclass 1 is not the subclass 1 ext4 gives a regular EA inode (`lockdep_set_subclass()`).
 * Constant → the key, named in the class's subclass (`inode.i_rwsem/dir:1`).
 */
const KEYED_SUBCLASSES: Readonly<Record<string, string>> = {
  I_MUTEX_PARENT: 'dir',
  I_MUTEX_PARENT2: 'dir',
};

/** The key a subclass constant says the locked object has (`dir` for `I_MUTEX_PARENT`), or null. */
export function keyOfSubclassConstant(name: string): string | null {
  return entryOf(KEYED_SUBCLASSES, name) ?? null;
}

/** The struct a keyed initialiser sets up when the scan does not define it, or null. */
export function keyedStructOfInitialiser(name: string): string | null {
  return entryOf(KEYED_STRUCT_INITIALISERS, name) ?? null;
}

export function modelOf(name: string): ApiModel | undefined {
  return entryOf(KERNEL_API, name);
}

export const isLockOp = (m: ApiModel): m is LockOp => 'op' in m;
export const isIrqOp = (m: ApiModel): m is IrqOp => 'irq' in m && !('op' in m);
export const isIpiWait = (m: ApiModel): m is IpiWaitOp => 'ipiWait' in m;
export const isFieldCall = (m: ApiModel): m is FieldCallOp => 'callsField' in m;
export const isAssertHeld = (m: ApiModel): m is AssertHeld => 'assertHeld' in m;
