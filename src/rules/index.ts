// Every rule, in report order.
import { ipiCycle } from './ipi-cycle.js';
import { ipiIrqsOff } from './ipi-irqs-off.js';
import { irqInversion } from './irq-inversion.js';
import { lockCycle } from './lock-cycle.js';
import { recursiveLocking } from './recursive-locking.js';
import { sleepInAtomic } from './sleep-in-atomic.js';
import type { CycleRule } from './rule.js';
import { waitCycle } from './wait-cycle.js';

export const RULES: readonly CycleRule[] = [ipiCycle, ipiIrqsOff, irqInversion, lockCycle, recursiveLocking, sleepInAtomic, waitCycle];
