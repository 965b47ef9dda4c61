// Shell analysis for RUN instructions, on tree-sitter-bash (WASM). Chosen over mvdan-sh because it is
// about twice as fast on the corpus and error-tolerant: a half-typed line still gives a usable tree.
// The engine stays free of I/O: whoever starts it hands over the two .wasm files as bytes.
import { Language, Parser, type Node as SyntaxNode } from 'web-tree-sitter';

/** A word of a command. Offsets are relative to the parsed source. */
export interface ShellWord {
  /** Source text as written (quotes and escapes included). */
  text: string;
  /** The word after quote removal, or null when it depends on an expansion ($VAR, $(cmd), ...). */
  value: string | null;
  start: number;
  end: number;
}

export interface ShellCommand {
  name: ShellWord;
  args: ShellWord[];
  start: number;
  end: number;
}

/** One element of a top-level `a && b && c` chain: a statement and, when it is a plain command, that command. */
export interface ChainItem {
  start: number;
  end: number;
  command: ShellCommand | null;
}

export interface ShellScript {
  /** Every simple command, nested ones included (subshells, `if` bodies, `$(...)`), in source order. */
  commands: ShellCommand[];
  /** Top-level statements, each split on `&&` into the commands it chains. */
  chains: ChainItem[][];
  hasErrors: boolean;
  /** The parse was given up (see PARSE_BUDGET_MS): no commands, and it is tried again on the next lint. */
  cancelled?: true;
}

let parser: Parser | null = null;

export interface ShellWasm {
  /** web-tree-sitter's runtime, `tree-sitter.wasm`. */
  runtime: Uint8Array;
  /** The grammar, `tree-sitter-bash.wasm`. */
  bash: Uint8Array;
}

/** Loads the WASM parser once; must resolve before the first lint. */
export async function initShellParser(wasm: ShellWasm): Promise<void> {
  if (parser) return;
  await Parser.init({ wasmBinary: wasm.runtime });
  const language = await Language.load(wasm.bash);
  const p = new Parser();
  p.setLanguage(language);
  parser = p;
}

export function isShellParserReady(): boolean {
  return parser !== null;
}

// Parses are cached by source text: unchanged RUN instructions are not re-parsed on every keystroke.
// (DockerfileModel keeps its own cache of RUN shells by instruction text on top of this one.) Bounded by
// entries and by characters: a parsed script takes about ten bytes of heap per character of source.
const CACHE_LIMIT = 20_000;
const CACHE_CHARS = 4_000_000;
const cache = new Map<string, ShellScript>();
let cacheChars = 0;
let parses = 0;

/** How many times tree-sitter actually parsed (cache misses) since the process started. */
export function parseCount(): number {
  return parses;
}

/** Empties the parse cache (tests and the benchmark's cold runs). */
export function clearParseCache(): void {
  cache.clear();
  cacheChars = 0;
}

// tree-sitter-bash's error recovery is quadratic or worse on some broken input (a run of `>>>>`, nested
// unterminated `${${${`): a 200,000-character line parses for minutes, which would freeze the language server.
// A parse gets 30 ms plus 2 µs per character of wall time (normal parses run at about 0.3 µs per character,
// so real scripts are far from it even on a busy machine); past that it is cancelled and the script is read
// as unparsed. Cancelled parses are not cached: a blip (GC, a busy machine) cannot stick to a RUN.
const PARSE_BUDGET_MS = 30;
const PARSE_BUDGET_MS_PER_CHAR = 0.002;
// (shared/ is typed without host globals: performance is looked up, Date is the fallback)
const clock = (globalThis as { performance?: { now(): number } }).performance;
const now = (): number => (clock ? clock.now() : Date.now());

export function parseShell(source: string): ShellScript {
  const cached = cache.get(source);
  if (cached) {
    // refresh recency
    cache.delete(source);
    cache.set(source, cached);
    return cached;
  }
  if (!parser) throw new Error('Shell parser not initialised: call initShellParser() first');
  parses++;
  const deadline = now() + PARSE_BUDGET_MS + PARSE_BUDGET_MS_PER_CHAR * source.length;
  // web-tree-sitter's typings say void, its implementation cancels when the callback returns true.
  const progressCallback = (() => now() > deadline) as unknown as () => void;
  const tree = parser.parse(source, null, { progressCallback });
  if (!tree) {
    parser.reset(); // otherwise the next parse resumes this one
    return { commands: [], chains: [], hasErrors: true, cancelled: true };
  }
  let script: ShellScript;
  try {
    script = extract(tree.rootNode);
  } finally {
    tree.delete(); // WASM memory is not garbage-collected
  }
  cache.set(source, script);
  cacheChars += source.length;
  while (cache.size > CACHE_LIMIT || (cacheChars > CACHE_CHARS && cache.size > 1)) {
    const oldest = cache.keys().next().value as string;
    cache.delete(oldest);
    cacheChars -= oldest.length;
  }
  return script;
}

function extract(root: SyntaxNode): ShellScript {
  const byStart = new Map<number, ShellCommand>();
  const commands: ShellCommand[] = [];
  for (const node of root.descendantsOfType('command')) {
    if (!node) continue;
    const command = toCommand(node);
    if (command) {
      commands.push(command);
      byStart.set(node.startIndex, command);
    }
  }
  const chains: ChainItem[][] = [];
  for (const statement of root.namedChildren) {
    if (!statement || statement.type === 'comment') continue;
    chains.push(flattenAndChain(statement, statement.endIndex).map(({ node, end }) => {
      // `cmd > file` is still that command, with its redirection.
      const inner = node.type === 'redirected_statement' ? node.childForFieldName('body') : node;
      return { start: node.startIndex, end, command: inner?.type === 'command' ? byStart.get(inner.startIndex) ?? null : null };
    }));
  }
  return { commands, chains, hasErrors: root.hasError };
}

function isAndList(node: SyntaxNode | null): boolean {
  return node !== null && node.type === 'list' && node.childCount === 3 && node.child(1)?.type === '&&';
}

/**
 * Splits `a && b && c` into its elements. tree-sitter-bash reads `a && b > f` as `(a && b) > f`, while
 * bash redirects only `b`: such a redirection is kept with the last element.
 */
function flattenAndChain(node: SyntaxNode, end: number): Array<{ node: SyntaxNode; end: number }> {
  if (isAndList(node)) {
    const left = node.child(0)!;
    return [...flattenAndChain(left, left.endIndex), ...flattenAndChain(node.child(2)!, end)];
  }
  if (node.type === 'redirected_statement') {
    const body = node.childForFieldName('body');
    if (body && isAndList(body)) return flattenAndChain(body, end);
  }
  return [{ node, end }];
}

function toCommand(node: SyntaxNode): ShellCommand | null {
  const nameNode = node.childForFieldName('name');
  if (!nameNode) return null;
  const args: ShellWord[] = [];
  for (const arg of node.childrenForFieldName('argument')) {
    if (arg) args.push(toWord(arg));
  }
  return { name: toWord(nameNode), args, start: node.startIndex, end: node.endIndex };
}

function toWord(node: SyntaxNode): ShellWord {
  return { text: node.text, value: wordValue(node), start: node.startIndex, end: node.endIndex };
}

function wordValue(node: SyntaxNode): string | null {
  switch (node.type) {
    case 'command_name':
      return node.firstNamedChild ? wordValue(node.firstNamedChild) : null;
    case 'word':
    case 'number':
      return unescapeUnquoted(node.text);
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'string': {
      let out = '';
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type !== 'string_content') return null;
        out += child.text.replace(/\\([$`"\\\n])/g, '$1');
      }
      return out;
    }
    case 'concatenation': {
      let out = '';
      for (const child of node.namedChildren) {
        if (!child) continue;
        const v = wordValue(child);
        if (v === null) return null;
        out += v;
      }
      return out;
    }
    default:
      return null;
  }
}

function unescapeUnquoted(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/gs, '$1') : text;
}
