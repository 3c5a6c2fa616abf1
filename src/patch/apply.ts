// Applies a parsed patch set in memory, message after message, as `patch` would but stricter:
// hunks match exactly (no fuzz), searched up to OFFSET_WINDOW lines from where they should be.
// The tree is only ever read through the callback.

import { fileLabel, patchError, type FilePatch, type Hunk, type PatchPlace, type PatchSet } from './parse.js';

/** How far from its stated line (after earlier hunks' drift) a hunk may be found. */
export const OFFSET_WINDOW = 50;

/**
 * Final content of every path the set touches: null = deleted (a rename deletes its old path).
 * `read` gives a tree file's content, or null when it does not exist.
 */
export function applyPatchSet(set: PatchSet, read: (path: string) => string | null): Map<string, string | null> {
  const touched = new Map<string, string | null>();
  const current = (path: string): string | null => (touched.has(path) ? (touched.get(path) as string | null) : read(path));
  set.messages.forEach((message, index) => {
    for (const file of message.files) {
      const place: PatchPlace = { name: set.name, message: { index, count: set.messages.length }, file: fileLabel(file) };
      for (const [path, content] of applyFile(file, current, place)) touched.set(path, content);
    }
  });
  return touched;
}

function applyFile(file: FilePatch, current: (path: string) => string | null, place: PatchPlace): Array<[string, string | null]> {
  const { oldPath, newPath } = file;
  if (oldPath === null) {
    const target = newPath as string;
    if (current(target) !== null) throw patchError(place, 'creates a file that already exists');
    return [[target, applyHunks('', file.hunks, place)]];
  }
  const before = current(oldPath);
  if (before === null) throw patchError(place, 'patches a file that does not exist');
  const after = applyHunks(before, file.hunks, place);
  if (newPath === null) {
    if (after !== '') throw patchError(place, 'deletes a file but does not remove all of its content');
    return [[oldPath, null]];
  }
  if (newPath === oldPath) return [[oldPath, after]];
  if (current(newPath) !== null) throw patchError(place, 'renames onto a file that already exists');
  return [[oldPath, null], [newPath, after]];
}

/** A file as lines without their newlines, and whether the last line has one. */
interface Lines { lines: string[]; finalNewline: boolean }

function splitLines(content: string): Lines {
  if (content === '') return { lines: [], finalNewline: true };
  const finalNewline = content.endsWith('\n');
  return { lines: (finalNewline ? content.slice(0, -1) : content).split('\n'), finalNewline };
}

function joinLines(file: Lines): string {
  if (file.lines.length === 0) return '';
  return file.lines.join('\n') + (file.finalNewline ? '\n' : '');
}

function applyHunks(content: string, hunks: Hunk[], place: PatchPlace): string {
  const file = splitLines(content);
  const out: string[] = [];
  let finalNewline = file.finalNewline;
  let cursor = 0; // lines before it are already copied or replaced: hunks apply in order
  let drift = 0; // offset the previous hunk was found at, as `patch` carries it forward
  for (const hunk of hunks) {
    const side = hunkSides(hunk);
    const headerAt = hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1; // an empty old side inserts after its line
    const at = findHunk(file, side, headerAt + drift, cursor);
    if (at === null) throw patchError({ ...place, hunk: hunk.header }, 'does not apply');
    out.push(...file.lines.slice(cursor, at), ...side.new);
    cursor = at + side.old.length;
    drift = at - headerAt;
    if (cursor === file.lines.length) finalNewline = !side.newNoNewline;
  }
  out.push(...file.lines.slice(cursor));
  return joinLines({ lines: out, finalNewline });
}

interface HunkSides { old: string[]; new: string[]; oldNoNewline: boolean; newNoNewline: boolean }

function hunkSides(hunk: Hunk): HunkSides {
  const oldSide = hunk.lines.filter((l) => l.op !== '+');
  const newSide = hunk.lines.filter((l) => l.op !== '-');
  return {
    old: oldSide.map((l) => l.text),
    new: newSide.map((l) => l.text),
    oldNoNewline: oldSide[oldSide.length - 1]?.noNewline === true,
    newNoNewline: newSide[newSide.length - 1]?.noNewline === true,
  };
}

// Nearest first, the stated line itself before anything else; never before `min`.
function findHunk(file: Lines, side: HunkSides, stated: number, min: number): number | null {
  const window = side.old.length === 0 ? 0 : OFFSET_WINDOW; // nothing to match: only the stated place
  for (let d = 0; d <= window; d++) {
    for (const at of d === 0 ? [stated] : [stated - d, stated + d]) {
      if (at >= min && fitsAt(file, side, at)) return at;
    }
  }
  return null;
}

function fitsAt(file: Lines, side: HunkSides, at: number): boolean {
  const end = at + side.old.length;
  if (at < 0 || end > file.lines.length) return false;
  for (let k = 0; k < side.old.length; k++) if (file.lines[at + k] !== side.old[k]) return false;
  const atEof = end === file.lines.length;
  // A "\ No newline" marker pins the hunk to the end; at the end, the marker must match the file.
  if (side.oldNoNewline) return atEof && !file.finalNewline;
  if (side.newNoNewline && !atEof) return false;
  return !(atEof && file.lines.length > 0 && !file.finalNewline);
}
