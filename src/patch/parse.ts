// Patch input for check-patch: a plain unified diff, `git diff` output, or a `git format-patch`
// mbox with one or many messages. The text is untrusted: anything that is not a well-formed
// patch is a PatchError whose one-line message names the patch, message, file and hunk.

export class PatchError extends Error {}

/** One line of a hunk; `noNewline` when a `\ No newline at end of file` marker follows it. */
export interface HunkLine { op: ' ' | '-' | '+'; text: string; noNewline?: boolean }
export interface Hunk { oldStart: number; oldLines: number; newStart: number; newLines: number; header: string; lines: HunkLine[] }
/** null path = /dev/null: a created (old) or deleted (new) file; different paths = a rename. */
export interface FilePatch { oldPath: string | null; newPath: string | null; hunks: Hunk[] }
export interface PatchMessage { subject: string | null; files: FilePatch[] }
export interface PatchSet { name: string; messages: PatchMessage[] }

/** Where in a patch set a problem is, for the one-line error message. */
export interface PatchPlace { name: string; message?: { index: number; count: number }; file?: string; hunk?: string }

/** `name: patch 2/3: file: hunk @@ … @@` — the message number only when there are several. */
export function describePlace(place: PatchPlace): string {
  const parts = [place.name];
  if (place.message && place.message.count > 1) parts.push(`patch ${place.message.index + 1}/${place.message.count}`);
  if (place.file !== undefined) parts.push(place.file);
  if (place.hunk !== undefined) parts.push(`hunk ${place.hunk}`);
  return parts.join(': ');
}

/** A hunk reads as `… hunk @@ -1 +1 @@ does not apply`; anything else as `…: detail`. */
export function patchError(place: PatchPlace, detail: string): PatchError {
  const text = describePlace(place) + (place.hunk !== undefined ? ' ' : ': ') + detail;
  // Names and paths come from untrusted text: keep the message on one line.
  return new PatchError(text.replace(/[\u0000-\u001f\u007f]/g, '?'));
}

/** Label of a file in messages: its path, or `old -> new` for a rename. */
export function fileLabel(file: FilePatch): string {
  if (file.oldPath !== null && file.newPath !== null && file.oldPath !== file.newPath) return `${file.oldPath} -> ${file.newPath}`;
  return file.newPath ?? file.oldPath ?? '/dev/null';
}

const MBOX_FROM = /^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$/;
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const BINARY = /^(GIT binary patch$|Binary files .* differ$)/;
const DIFF_GIT = 'diff --git ';

/** Parses patch text; throws PatchError for anything that is not a well-formed patch. */
export function parsePatch(text: string, name: string): PatchSet {
  const chunks = splitMessages(toLines(text));
  const messages = chunks.map((chunk, index) => parseMessage(chunk, { name, message: { index, count: chunks.length } }));
  if (!messages.some((m) => m.files.length > 0)) throw patchError({ name }, 'no diff found');
  return { name, messages };
}

// A patch whose every line ends in CRLF went through a mail client: drop one CR per line. Otherwise
// a CR belongs to the patched file's own line ends and stays. A final newline makes no empty line.
function toLines(text: string): string[] {
  let lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.every((l) => l.endsWith('\r'))) lines = lines.map((l) => l.slice(0, -1));
  return lines;
}

interface Chunk { lines: string[]; mbox: boolean }

// Text before the first `From <sha>` line counts only if it holds a diff (never a stray banner).
function splitMessages(lines: string[]): Chunk[] {
  const starts = lines.flatMap((l, i) => (MBOX_FROM.test(l) ? [i] : []));
  if (starts.length === 0) return [{ lines, mbox: false }];
  const chunks: Chunk[] = [];
  const preamble = lines.slice(0, starts[0]);
  if (preamble.some((_, i) => startsFile(preamble, i))) chunks.push({ lines: preamble, mbox: false });
  starts.forEach((start, k) => chunks.push({ lines: lines.slice(start + 1, starts[k + 1] ?? lines.length), mbox: true }));
  return chunks;
}

function parseMessage(chunk: Chunk, place: PatchPlace): PatchMessage {
  const mailLike = chunk.mbox || /^(From|Subject|Date|Message-I[Dd]):\s/.test(chunk.lines[0] ?? '');
  const subject = mailLike ? findSubject(chunk.lines) : null;
  // Mail headers and the commit message cannot look like a file header, so the whole chunk is scanned.
  return { subject, files: parseFiles(chunk.lines, place) };
}

// `Subject:` in the header block (up to the first blank line), unfolded and RFC 2047-decoded.
function findSubject(lines: string[]): string | null {
  const end = lines.indexOf('');
  const headers = end < 0 ? lines : lines.slice(0, end);
  const at = headers.findIndex((l) => /^subject:/i.test(l));
  if (at < 0) return null;
  let value = (headers[at] as string).replace(/^subject:\s*/i, '');
  for (let i = at + 1; i < headers.length && /^[ \t]/.test(headers[i] as string); i++) value += headers[i] as string;
  return decodeMimeWords(value.trim());
}

const MIME_WORD = /=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g;

function decodeMimeWords(value: string): string {
  // Whitespace between two adjacent encoded words is folding, not text.
  const joined = value.replace(/(=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(MIME_WORD, (word, charset: string, encoding: string, data: string) => {
    const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQ(data);
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      return word; // unknown charset: keep the word as written
    }
  });
}

function decodeQ(data: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data[i] as string;
    const hex = data.slice(i + 1, i + 3);
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) { bytes.push(parseInt(hex, 16)); i += 2; }
    else if (c === '_') bytes.push(0x20);
    else bytes.push(...Buffer.from(c));
  }
  return Buffer.from(bytes);
}

/** `-- ` ends the diff of a format-patch message (some mailers strip its trailing space). */
function isSignature(line: string): boolean {
  return line === '-- ' || line === '--';
}

function isPlainHeader(lines: string[], i: number): boolean {
  return (lines[i] ?? '').startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ ');
}

function startsFile(lines: string[], i: number): boolean {
  return (lines[i] ?? '').startsWith(DIFF_GIT) || isPlainHeader(lines, i);
}

// Everything that is not a file header is prose (commit message, diffstat, `Index:` lines) until the
// first file; after it a stray `@@` would be a hunk silently lost, so it is an error. The `-- `
// signature ends the diff (before the first file it is only prose).
function parseFiles(lines: string[], place: PatchPlace): FilePatch[] {
  const files: FilePatch[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (files.length > 0 && isSignature(line)) break;
    if (BINARY.test(line)) throw patchError(place, 'binary patch not supported');
    if (line.startsWith(DIFF_GIT)) {
      const r = parseGitFile(lines, i, place);
      files.push(r.file);
      i = r.next;
    } else if (isPlainHeader(lines, i)) {
      const r = parsePlainFile(lines, i, place);
      files.push(r.file);
      i = r.next;
    } else if (files.length > 0 && line.startsWith('@@')) {
      throw patchError(place, `hunk without a file header: ${line.slice(0, 40)}`);
    } else {
      i++;
    }
  }
  return files;
}

interface Parsed { file: FilePatch; next: number }

function parsePlainFile(lines: string[], i: number, place: PatchPlace): Parsed {
  const minus = headerPath(lines[i] as string, 'a/', place);
  const plus = headerPath(lines[i + 1] as string, 'b/', place);
  if (minus === null && plus === null) throw patchError(place, 'both files are /dev/null');
  // A plain diff cannot rename: `x.c.orig` against `x.c` patches the new name.
  const oldPath = minus === null ? null : plus ?? minus;
  const newPath = plus === null ? null : plus;
  const file: FilePatch = { oldPath, newPath, hunks: [] };
  const r = parseHunks(lines, i + 2, { ...place, file: fileLabel(file) });
  if (r.hunks.length === 0) throw patchError({ ...place, file: fileLabel(file) }, 'file header without hunks');
  file.hunks = r.hunks;
  return { file, next: r.next };
}

const GIT_IGNORED = /^(index |similarity index |dissimilarity index |old mode |new mode )/;

function parseGitFile(lines: string[], start: number, place: PatchPlace): Parsed {
  const names = gitLineNames((lines[start] as string).slice(DIFF_GIT.length), place);
  let isNew = false, isDeleted = false, modeChange = false;
  let renameFrom: string | undefined, renameTo: string | undefined;
  let i = start + 1;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (BINARY.test(line)) throw patchError({ ...place, file: names.new ?? names.old ?? '?' }, 'binary patch not supported');
    if (line.startsWith('copy from ') || line.startsWith('copy to ')) throw patchError(place, 'copy patches not supported');
    if (line.startsWith('new file mode ')) isNew = true;
    else if (line.startsWith('deleted file mode ')) isDeleted = true;
    else if (/^rename (from|old) /.test(line)) renameFrom = safePath(unquote(line.replace(/^rename \w+ /, ''), place), place);
    else if (/^rename (to|new) /.test(line)) renameTo = safePath(unquote(line.replace(/^rename \w+ /, ''), place), place);
    else if (GIT_IGNORED.test(line)) modeChange ||= /^(old|new) mode /.test(line);
    else break;
  }
  if ((renameFrom === undefined) !== (renameTo === undefined)) throw patchError(place, 'rename without both `rename from` and `rename to`');
  const isRename = renameFrom !== undefined;
  let minus: string | null | undefined, plus: string | null | undefined;
  const hasHunks = isPlainHeader(lines, i);
  if (hasHunks) {
    minus = headerPath(lines[i] as string, 'a/', place);
    plus = headerPath(lines[i + 1] as string, 'b/', place);
    i += 2;
  }
  const oldPath = isNew || minus === null ? null : renameFrom ?? minus ?? names.old;
  const newPath = isDeleted || plus === null ? null : renameTo ?? plus ?? names.new;
  if (oldPath === undefined || newPath === undefined) throw patchError(place, `cannot tell the file names of: ${DIFF_GIT}${names.raw.slice(0, 60)}`);
  if (oldPath === null && newPath === null) throw patchError(place, 'both files are /dev/null');
  if (oldPath !== null && newPath !== null && oldPath !== newPath && !isRename) {
    throw patchError(place, `file names differ without a rename: ${oldPath}, ${newPath}`);
  }
  const file: FilePatch = { oldPath, newPath, hunks: [] };
  const filePlace = { ...place, file: fileLabel(file) };
  if (!hasHunks) {
    if (!isNew && !isDeleted && !isRename && !modeChange) throw patchError(filePlace, 'git file header without changes');
    return { file, next: i };
  }
  const r = parseHunks(lines, i, filePlace);
  if (r.hunks.length === 0) throw patchError(filePlace, 'file header without hunks');
  file.hunks = r.hunks;
  return { file, next: r.next };
}

interface GitNames { old: string | undefined; new: string | undefined; raw: string }

// `diff --git a/x b/x`: only needed when no ---/+++ follow (empty new/deleted file, mode change).
// Unquoted names may contain spaces, so the split is trusted only when both halves agree.
function gitLineNames(raw: string, place: PatchPlace): GitNames {
  let pair: [string, string] | undefined;
  if (raw.startsWith('"')) {
    const first = unquotePrefix(raw, place);
    const rest = raw.slice(first.end).replace(/^ /, '');
    pair = [first.value, rest.startsWith('"') ? unquote(rest, place) : rest];
  } else {
    const half = (raw.length - 1) / 2;
    const a = raw.slice(0, half), b = raw.slice(half + 1);
    if (Number.isInteger(half) && raw[half] === ' ' && stripPrefix(a, 'a/') === stripPrefix(b, 'b/')) pair = [a, b];
  }
  if (!pair) return { old: undefined, new: undefined, raw };
  return { old: safePath(stripPrefix(pair[0], 'a/'), place), new: safePath(stripPrefix(pair[1], 'b/'), place), raw };
}

// `--- a/x<TAB>timestamp`, `+++ "b/quoted name"`, `--- /dev/null`.
function headerPath(line: string, prefix: string, place: PatchPlace): string | null {
  const rest = line.slice(4);
  const name = rest.startsWith('"') ? unquote(rest, place) : (rest.split('\t')[0] as string).trimEnd();
  if (name === '/dev/null') return null;
  return safePath(stripPrefix(name, prefix), place);
}

function stripPrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** A relative path inside the tree, `.` and empty components dropped. */
function safePath(name: string, place: PatchPlace): string {
  const parts = name.split('/');
  if (name.startsWith('/') || name.includes('\0') || parts.includes('..')) throw patchError(place, `path outside the tree: ${name.slice(0, 80)}`);
  if (/[\u0001-\u001f\u007f]/.test(name)) throw patchError(place, `control character in file name: ${name.slice(0, 80)}`);
  const clean = parts.filter((p) => p !== '' && p !== '.').join('/');
  if (clean === '') throw patchError(place, 'empty file name');
  return clean;
}

function unquote(text: string, place: PatchPlace): string {
  return text.startsWith('"') ? unquotePrefix(text, place).value : text;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

// Git's C-style quoting: escapes and octal bytes of UTF-8.
function unquotePrefix(text: string, place: PatchPlace): { value: string; end: number } {
  const bytes: number[] = [];
  for (let i = 1; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
    if (c !== '\\') { bytes.push(...Buffer.from(c)); continue; }
    const next = text[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(text.slice(i + 1));
    if (octal) { bytes.push(parseInt(octal[0], 8) & 0xff); i += 3; }
    else if (next in ESCAPES) { bytes.push(ESCAPES[next] as number); i += 1; }
    else throw patchError(place, `bad quoted file name: ${text.slice(0, 60)}`);
  }
  throw patchError(place, `unterminated quoted file name: ${text.slice(0, 60)}`);
}

// Hunks are read by their header's line counts (as `git apply` does), so `-- ` inside a hunk is
// a removed line `- `, and an empty line is an empty context line whose space a mailer ate.
function parseHunks(lines: string[], start: number, place: PatchPlace): { hunks: Hunk[]; next: number } {
  const hunks: Hunk[] = [];
  let i = start;
  while ((lines[i] ?? '').startsWith('@@')) {
    const r = parseHunk(lines, i, place);
    hunks.push(r.hunk);
    i = r.next;
  }
  const after = lines[i];
  const last = hunks[hunks.length - 1];
  if (last && after !== undefined && /^[ +-]/.test(after) && !isSignature(after) && !isPlainHeader(lines, i)) {
    throw patchError({ ...place, hunk: last.header }, 'has more lines than its header says');
  }
  return { hunks, next: i };
}

function parseHunk(lines: string[], start: number, place: PatchPlace): { hunk: Hunk; next: number } {
  const head = lines[start] as string;
  const m = HUNK_HEADER.exec(head);
  if (!m) throw patchError(place, `malformed hunk header: ${head.slice(0, 60)}`);
  const header = m[0];
  const hunkPlace = { ...place, hunk: header };
  const [oldStart, oldLines, newStart, newLines] = [m[1], m[2] ?? '1', m[3], m[4] ?? '1'].map(Number) as [number, number, number, number];
  const sane = [oldStart, oldLines, newStart, newLines].every(Number.isSafeInteger);
  if (!sane || (oldStart === 0 && oldLines > 0) || (newStart === 0 && newLines > 0) || (oldLines === 0 && newLines === 0)) {
    throw patchError(hunkPlace, 'has a malformed header');
  }
  const body: HunkLine[] = [];
  let olds = 0, news = 0, i = start + 1;
  const marker = (): void => {
    const prev = body[body.length - 1];
    if (!prev) throw patchError(hunkPlace, 'has a "\\ No newline" marker before any line');
    prev.noNewline = true;
    i++;
  };
  while (olds < oldLines || news < newLines) {
    const line = lines[i];
    if (line === undefined) break;
    if (line.startsWith('\\')) { marker(); continue; }
    const op = line === '' ? ' ' : line[0];
    if (op !== ' ' && op !== '-' && op !== '+') break;
    if (op !== '+') olds++;
    if (op !== '-') news++;
    if (olds > oldLines || news > newLines) break;
    body.push({ op, text: line.slice(1) });
    i++;
  }
  if ((lines[i] ?? '').startsWith('\\')) marker();
  if (olds !== oldLines || news !== newLines) {
    throw patchError(hunkPlace, `has ${olds} old and ${news} new lines, its header says ${oldLines} and ${newLines}`);
  }
  checkMarkers(body, hunkPlace);
  return { hunk: { oldStart, oldLines, newStart, newLines, header, lines: body }, next: i };
}

// A `\ No newline` marker belongs only on the last line of the old or the new side.
function checkMarkers(body: HunkLine[], place: PatchPlace): void {
  const lastOld = findLastIndex(body, (l) => l.op !== '+');
  const lastNew = findLastIndex(body, (l) => l.op !== '-');
  body.forEach((l, k) => {
    if (!l.noNewline) return;
    const ok = (l.op === '+' || k === lastOld) && (l.op === '-' || k === lastNew);
    if (!ok) throw patchError(place, 'has a "\\ No newline at end of file" marker before its end');
  });
}

function findLastIndex<T>(items: T[], pred: (item: T) => boolean): number {
  for (let k = items.length - 1; k >= 0; k--) if (pred(items[k] as T)) return k;
  return -1;
}
