// x86 paravirt: a machine runs exactly one backend (native, Xen PV, KVM, Hyper-V). A path through
// Xen PV code and a path through a native TLB flush reached via a pv_ops call cannot both run on
// one machine, so a cycle that needs both is not a deadlock.
import type { ChainStep } from '../report/types.js';

const BACKEND_DIRS: [RegExp, string][] = [
  [/^arch\/x86\/xen\//, 'xen'],
  [/^arch\/x86\/kernel\/kvm(clock)?\.c$/, 'kvm'],
  [/^arch\/x86\/hyperv\//, 'hyperv'],
];

/** The backend a path assumes: by the files it runs through, or by where a pv_ops call landed. */
export function backendOf(steps: ChainStep[]): string | null {
  for (const [i, step] of steps.entries()) {
    for (const [dir, backend] of BACKEND_DIRS) if (dir.test(step.file)) return backend;
    const next = steps[i + 1];
    if (/^PVOP_/.test(step.event) && next?.function.startsWith('native_')) return 'native';
  }
  return null;
}

/** Whether paths can all run on one machine: at most one backend among them. */
export function oneBackend(paths: ChainStep[][]): boolean {
  return new Set(paths.map(backendOf).filter((b) => b !== null)).size <= 1;
}
