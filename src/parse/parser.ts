// One web-tree-sitter parser for kernel C, initialised once per thread.
import { createRequire } from 'node:module';
import { Language, Parser, type Tree } from 'web-tree-sitter';

let parserPromise: Promise<Parser> | null = null;

function grammarPath(): string {
  return createRequire(import.meta.url).resolve('tree-sitter-c/tree-sitter-c.wasm');
}

export function getParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const language = await Language.load(grammarPath());
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

/** Parses text; tree-sitter never throws on bad input, it inserts ERROR nodes instead. */
export async function parseC(text: string): Promise<Tree> {
  const parser = await getParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}
