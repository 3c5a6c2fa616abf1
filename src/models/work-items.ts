// The workqueue API as data: the calls that bind a work item to the function a worker runs for
// it, as [item argument, function argument]. The calls that wait for an item are rows of the
// kernel API table (`flushesWork`, models/kernel-api.ts).

export const WORK_BINDINGS: Readonly<Record<string, readonly [number, number]>> = {
  INIT_WORK: [0, 1],
  INIT_WORK_ONSTACK: [0, 1],
  INIT_DELAYED_WORK: [0, 1],
  INIT_DELAYED_WORK_ONSTACK: [0, 1],
  INIT_DEFERRABLE_WORK: [0, 1],
  INIT_DEFERRABLE_WORK_ONSTACK: [0, 1],
};

export function workBindingOf(callee: string): readonly [number, number] | null {
  return Object.prototype.hasOwnProperty.call(WORK_BINDINGS, callee) ? WORK_BINDINGS[callee] ?? null : null;
}
