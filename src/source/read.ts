// Reading one source file: size, binary and encoding checks. A bad file is a Problem, not a crash.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../report/types.js';

export const MAX_FILE_BYTES = 4 * 1024 * 1024;

export type ReadResult = { ok: true; text: string; problem: Problem | null } | { ok: false; problem: Problem };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * Read synchronously: a parser thread has nothing else to do meanwhile, and a read from the page
 * cache takes microseconds where a round trip through libuv's thread pool leaves the thread idle.
 */
export function readSource(root: string, rel: string): ReadResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.join(root, rel));
  } catch (err) {
    return { ok: false, problem: { file: rel, kind: 'unreadable', message: (err as Error).message } };
  }
  return decodeSource(rel, bytes);
}

export function decodeSource(rel: string, bytes: Uint8Array): ReadResult {
  if (bytes.length > MAX_FILE_BYTES) {
    return { ok: false, problem: { file: rel, kind: 'too-large', message: `${bytes.length} bytes (limit ${MAX_FILE_BYTES})` } };
  }
  if (bytes.subarray(0, 8192).includes(0)) {
    return { ok: false, problem: { file: rel, kind: 'binary', message: 'contains NUL bytes' } };
  }
  try {
    return { ok: true, text: utf8.decode(bytes), problem: null };
  } catch {
    // Old kernel files carry Latin-1 in comments: analyse them, but say so.
    return { ok: true, text: latin1.decode(bytes), problem: { file: rel, kind: 'not-utf8', message: 'not valid UTF-8; read as Latin-1' } };
  }
}
