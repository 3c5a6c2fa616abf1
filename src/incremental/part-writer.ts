// Writing a large value to a file without making it one string first: JSON with its outer
// arrays and objects written element by element, and number tables as raw little-endian int32.
import { closeSync, openSync, writeSync } from 'node:fs';

const CHUNK = 1 << 20;

/** Buffered appends to a file; counts the bytes written. */
export class PartWriter {
  private readonly fd: number;
  private chunks: Buffer[] = [];
  private pending = 0;
  bytes = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  write(data: string | Buffer): void {
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    this.chunks.push(b);
    this.pending += b.length;
    this.bytes += b.length;
    if (this.pending >= CHUNK) this.flush();
  }

  private flush(): void {
    if (this.chunks.length) writeSync(this.fd, Buffer.concat(this.chunks));
    this.chunks = [];
    this.pending = 0;
  }

  close(): number {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
    return this.bytes;
  }
}

/**
 * `value` as JSON.stringify writes it, the arrays and objects down to `depth` levels written one
 * element at a time. Returns the bytes written.
 */
export function writeJsonPart(file: string, value: unknown, depth = 2): number {
  return writePart(file, (out) => {
    const emit = (v: unknown, level: number): void => {
      if (level < depth && Array.isArray(v)) {
        out.write('[');
        v.forEach((x, i) => {
          if (i) out.write(',');
          if (x === undefined || typeof x === 'function') out.write('null');
          else emit(x, level + 1);
        });
        out.write(']');
      } else if (level < depth && v !== null && typeof v === 'object' && !('toJSON' in v)) {
        out.write('{');
        let first = true;
        for (const [k, x] of Object.entries(v)) {
          if (x === undefined || typeof x === 'function') continue;
          out.write(`${first ? '' : ','}${JSON.stringify(k)}:`);
          first = false;
          emit(x, level + 1);
        }
        out.write('}');
      } else {
        out.write(JSON.stringify(v) ?? 'null');
      }
    };
    emit(value, 0);
  });
}

/** A file written through a PartWriter by `fill`, closed whatever happens; its length. */
function writePart(file: string, fill: (out: PartWriter) => void): number {
  const out = new PartWriter(file);
  try {
    fill(out);
  } finally {
    out.close();
  }
  return out.bytes;
}

/** Numbers as int32 in the machine's byte order (little-endian wherever Node runs kdeadlock), written as they come. */
export function writeInt32Part(file: string, values: Iterable<number>): number {
  return writePart(file, (out) => {
    const block = new Int32Array(CHUNK / 4);
    let n = 0;
    for (const v of values) {
      block[n++] = v;
      if (n === block.length) { out.write(Buffer.from(block.buffer.slice(0))); n = 0; }
    }
    if (n) out.write(Buffer.from(block.buffer.slice(0, n * 4)));
  });
}

/** Byte runs written back to back. */
export function writeBytesPart(file: string, runs: Iterable<Uint8Array>): number {
  return writePart(file, (out) => { for (const r of runs) out.write(Buffer.from(r.buffer, r.byteOffset, r.byteLength)); });
}

/** An int32 part read back: a view on the bytes when they are aligned, else a copy. */
export function readInt32Part(bytes: Buffer): Int32Array {
  if (bytes.length % 4 !== 0) throw new Error('int32 part of odd length');
  if (bytes.byteOffset % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const copy = new Int32Array(bytes.length / 4);
  new Uint8Array(copy.buffer).set(bytes);
  return copy;
}
