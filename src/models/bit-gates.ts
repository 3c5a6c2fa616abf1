// Bit gates. `test_and_set_bit(BIT, &x->flags)` returns zero to one task, and to no other until
// `clear_bit(BIT, &x->flags)`: the code it lets through is run by one task at a time, as a
// trylock's section is. dlm's close_connection() cancels its connection's other work only where
// `closing = test_and_set_bit(CF_CLOSING, &con->flags)` was zero, so the receive and the send
// work cannot both be cancelling each other. A gate orders nothing (no task waits for it); two
// CPUs that would both have to be inside it are not a scenario (deadlock/simulate.ts).
//
// Which calls take and open a gate is a column of the bit operations' table (models/bit-ops.ts).
import { type BitOp, type GateRole, bitOpOf } from './bit-ops.js';

const withRole = (name: string, role: GateRole): BitOp | undefined => {
  const op = bitOpOf(name);
  return op?.gate === role ? op : undefined;
};

/** A call that passes the gate when it returns zero, or undefined. */
export const gateTaker = (name: string): BitOp | undefined => withRole(name, 'take');

/** A call that opens the gate again, or undefined. */
export const gateOpener = (name: string): BitOp | undefined => withRole(name, 'open');

const GATE_MARK = '#bit:';

/** The gate of one bit of a field: `connection.flags#bit:CF_CLOSING` (a class of its own, never waited for). */
export const gateKey = (wordClass: string, bit: string): string => `${wordClass}${GATE_MARK}${bit}`;

/** Whether a held name is a bit gate's (gateKey()). */
export const isGateKey = (name: string): boolean => name.includes(GATE_MARK);

/** How a held name reads in a report: a gate as its bit and field, any other name as it is. */
export function heldName(name: string): string {
  const at = name.indexOf(GATE_MARK);
  return at < 0 ? name : `the ${name.slice(at + GATE_MARK.length)} gate of ${name.slice(0, at)} (test_and_set_bit)`;
}
