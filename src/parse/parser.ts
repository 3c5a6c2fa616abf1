// One web-tree-sitter parser for kernel C, initialised once per thread.
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { pinnedGrammarWasm } from './grammar.js';

let parserPromise: Promise<Parser> | null = null;

export function getParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const language = await Language.load(pinnedGrammarWasm());
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
