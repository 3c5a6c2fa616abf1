// Lock classes lockdep keys per address family, as data. `sock_init_data()` and `sock_lock_init()`
// give a socket's `sk_callback_lock`, its receive, write and error queue locks and its
// `sk_lock.slock` the keys of its `sk_family` (`af_callback_keys + sk->sk_family`, …), so a unix
// socket's callback lock and a TCP socket's are two classes. The analysis names both
// `sock.sk_callback_lock` and, as for filesystems (filesystem-classes.ts), tells them apart by the
// protocol code that locks them: the deepest frame of the path in one protocol's own directory.
import { entryOf } from './kernel-api.js';

/** The `struct sock` locks keyed per `sk_family`. */
const PER_FAMILY_CLASSES = new Set([
  'sock.sk_callback_lock', 'sock.sk_receive_queue.lock', 'sock.sk_write_queue.lock', 'sock.sk_error_queue.lock', 'sock.sk_lock.slock',
]);

/**
 * The families whose sockets each protocol directory's code locks. IPv4 and IPv6 share their TCP,
 * UDP and SCTP code, so both are `inet`. A protocol that runs over kernel TCP or UDP sockets
 * (kcm, rds, smc, rxrpc, l2tp) locks those as well as its own. A directory not named here
 * (`net/core`, `net/strparser`, drivers) is shared code: it names no family and matches any.
 */
const PROTOCOL_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  ipv4: ['inet'], ipv6: ['inet'], sctp: ['inet'], dccp: ['inet'], mptcp: ['inet'], tls: ['inet'], ceph: ['inet'],
  l2tp: ['inet', 'pppox'], kcm: ['inet', 'kcm'], rds: ['inet', 'rds'], smc: ['inet', 'smc'], rxrpc: ['inet', 'rxrpc'],
  unix: ['unix'], netlink: ['netlink'], packet: ['packet'], bluetooth: ['bluetooth'], can: ['can'], tipc: ['tipc'],
  netrom: ['netrom'], rose: ['rose'], x25: ['x25'], ax25: ['ax25'], llc: ['llc'], appletalk: ['appletalk'],
  atm: ['atm'], phonet: ['phonet'], key: ['key'], qrtr: ['qrtr'], nfc: ['nfc'], caif: ['caif'], iucv: ['iucv'],
  ieee802154: ['ieee802154'], vmw_vsock: ['vsock'], xdp: ['xdp'],
};

/** Owner names of families start so, apart from filesystem names. */
const FAMILY_PREFIX = 'af:';
const SEPARATOR = '|';

export function isPerFamilyClass(cls: string): boolean {
  return PER_FAMILY_CLASSES.has(cls);
}

/** The families `file`'s code locks sockets of, as one owner name (`af:inet|af:kcm`), or null for shared code. */
export function familiesOf(file: string): string | null {
  const m = /^net\/([^/]+)\//.exec(file);
  const families = m ? entryOf(PROTOCOL_FAMILIES, m[1] as string) : undefined;
  return families ? families.map((f) => FAMILY_PREFIX + f).join(SEPARATOR) : null;
}

export function isFamilyOwner(owner: string): boolean {
  return owner.startsWith(FAMILY_PREFIX);
}

/** Whether two owners' sockets can be one: they share a family. */
export function shareFamily(a: string, b: string): boolean {
  const theirs = new Set(b.split(SEPARATOR));
  return a.split(SEPARATOR).some((f) => theirs.has(f));
}
