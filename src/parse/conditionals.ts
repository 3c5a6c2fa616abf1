// `#if` conditions by line, from the text rather than the tree: tree-sitter nests conditional
// arms that split a declaration wrongly, and a wrong arm drops a definition under --config.

/** `conditions[line]` (1-based): the conditions enclosing that line, outermost first. */
export function conditionsByLine(source: string): string[][] {
  const lines = source.split('\n');
  const out: string[][] = [[]];
  const stack: { own: string[]; previous: string[] }[] = [];
  let current: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i] ?? '';
    let span = 1;
    while (text.endsWith('\\') && i + span - 1 < lines.length - 1) {
      text = text.slice(0, -1) + ' ' + (lines[i + span] ?? '');
      span++;
    }
    const m = text.includes('#') ? DIRECTIVE.exec(text) : null;
    for (let k = 0; k < span; k++) out.push(current);
    if (m) {
      const kind = m[1] as string;
      const rest = stripComments(m[2] ?? '');
      if (kind === 'ifdef' || kind === 'ifndef' || kind === 'if') {
        const cond = kind === 'if' ? rest : `${kind === 'ifndef' ? '!' : ''}defined(${rest})`;
        const guard = kind === 'ifndef' && isIncludeGuard(lines, i + span, rest);
        stack.push({ own: guard ? [] : [cond], previous: guard ? [] : [cond] });
      } else if (kind === 'endif') {
        stack.pop();
      } else {
        const top = stack[stack.length - 1];
        if (top) {
          const negated = top.previous.map((p) => `!(${p})`);
          if (kind === 'else') {
            top.own = negated;
          } else {
            const cond = kind === 'elif' ? rest : `${kind === 'elifndef' ? '!' : ''}defined(${rest})`;
            top.own = [...negated, `(${cond})`];
            top.previous.push(cond);
          }
        }
      }
      current = stack.flatMap((s) => s.own);
    }
    i += span - 1;
  }
  return out;
}

const DIRECTIVE = /^\s*#\s*(ifdef|ifndef|if|elifdef|elifndef|elif|else|endif)\b(.*)$/;
/** A valueless `#define NAME` (or `#define NAME 1`), with a comment after it at most. */
const VALUELESS_DEFINE = /^#\s*define\s+(\w+)(?:\s+1)?\s*(?:\/[*/].*)?$/;

function stripComments(text: string): string {
  return text.replace(/\/\*.*?\*\//g, ' ').replace(/\/\/.*$/, '').replace(/\/\*.*$/, '').trim();
}

/** `#ifndef X` directly followed by a valueless `#define X` (`#ifndef HZ / #define HZ 100` is a default, not a guard). */
function isIncludeGuard(lines: string[], next: number, name: string): boolean {
  for (let j = next; j < Math.min(lines.length, next + 3); j++) {
    const t = (lines[j] ?? '').trim();
    if (t === '') continue;
    return VALUELESS_DEFINE.exec(t)?.[1] === name.replace(/\W/g, '');
  }
  return false;
}
