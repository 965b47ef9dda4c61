// Shell analysis for RUN instructions, on tree-sitter-bash (WASM). Chosen over mvdan-sh because it is
// about twice as fast on the corpus and error-tolerant: a half-typed line still gives a usable tree.
// The engine stays free of I/O: whoever starts it hands over the two .wasm files as bytes.
import { Language, Parser, type Node as SyntaxNode, type Tree } from 'web-tree-sitter';
import { RecentlyUsed } from '../recentlyUsed';

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
  /** The parse was given up (see PARSE_BUDGET_MS): no commands, until the script's text changes. */
  cancelled?: true;
}

let parser: Parser | null = null;
/** Field ids of a command's name and arguments in the grammar. */
let nameField = -1;
let argumentField = -1;

export interface ShellWasm {
  /** web-tree-sitter's runtime, `tree-sitter.wasm`. */
  runtime: Uint8Array;
  /** The grammar, `tree-sitter-bash.wasm`. */
  bash: Uint8Array;
  /**
   * Milliseconds of CPU time of the process, for the parse budget (PARSE_BUDGET_MS): with it the budget counts
   * work, not time spent waiting for a CPU, so a busy machine does not cancel normal parses (and a CLI run gives
   * the same findings at any load). Without it, wall time.
   */
  cpuClock?: () => number;
  /**
   * Called once the runtime's WASM is compiled and before the grammar's is: the host's chance to set how the
   * grammar is compiled (see server/loadEngine.ts).
   */
  beforeGrammar?: () => void;
}

/** Loads the WASM parser once; must resolve before the first lint. */
export async function initShellParser(wasm: ShellWasm): Promise<void> {
  if (parser) return;
  await Parser.init({ wasmBinary: wasm.runtime });
  wasm.beforeGrammar?.();
  const language = await Language.load(wasm.bash);
  const p = new Parser();
  p.setLanguage(language);
  nameField = language.fieldIdForName('name') ?? -1;
  argumentField = language.fieldIdForName('argument') ?? -1;
  // The first parse also compiles most of the grammar's WASM (about 15 ms): done here, outside any parse's
  // budget (PARSE_BUDGET_MS), so that the first RUN linted is not cancelled for it.
  p.parse(WARM_UP)?.delete();
  if (wasm.cpuClock) budgetClock = wasm.cpuClock;
  parser = p;
}

const WARM_UP = `set -eux; A="$(cmd --opt=v 'q' "\${B:-c}")" && for f in a b; do if [ -f "$f" ]; then echo \${f%%.*} >> /tmp/x 2>&1; fi; done
case "$1" in a|b) x | y || z ;; *) : ;; esac; cat <<EOF > f
$(( 1 + 2 )) \\
EOF
`;

export function isShellParserReady(): boolean {
  return parser !== null;
}

// Parses are cached by source text: unchanged RUN instructions are not re-parsed on every keystroke.
// (DockerfileModel keeps its own cache of RUN shells by instruction text on top of this one.) Bounded by
// entries and by characters: a parsed script takes about ten bytes of heap per character of source.
const CACHE_LIMIT = 20_000;
const CACHE_CHARS = 4_000_000;
const cache = new RecentlyUsed<ShellScript>(CACHE_LIMIT, CACHE_CHARS);
let parses = 0;

/** How many times tree-sitter actually parsed (cache misses) since the process started. */
export function parseCount(): number {
  return parses;
}

/** Empties the parse cache (tests and the benchmark's cold runs). */
export function clearParseCache(): void {
  cache.clear();
}

// tree-sitter-bash's error recovery is quadratic or worse on some broken input (a run of `>>>>`, nested
// unterminated `${${${`): a 200,000-character line parses for minutes, which would freeze the language server.
// A parse gets 20 ms plus 0.5 µs per character of CPU time (wall time when the host gives no CPU clock); past
// that it is cancelled and the script is read
// as unparsed. The callback that cancels runs only now and then, so a cancelled parse costs up to about twice
// its budget, which must stay well inside the whole lint's (50 ms + 2 µs per character). Real scripts are far
// from it: over the corpus's 1,461 RUNs the slowest parse took 1.6 ms, under 8% of its budget, and long ones
// run at 0.3-0.6 µs per character (the progress callback's `hasError` cannot tell the slow inputs apart: it is
// still false while tree-sitter-bash recovers from `>>>>`). A given-up script stays given up (cached like a
// parse) until its text changes: near its budget a parse may finish one time and not the next, and deciding once
// per text keeps a process's findings stable, so a second fix-all sees what the first saw (fuzz seed 1128011 case
// 434, a 1 MB RUN; seed 1128016 case 1968, a 3 KB RUN of nested `${a${a…`); nor does a pathological RUN cost its
// budget again on every keystroke. Trying again once would double what a pathological RUN costs (past the lint's
// budget). An ordinary RUN is not given up by a pause: the budget counts this thread's CPU time only (other
// processes do not count), and a parse allocates next to nothing on the JavaScript heap, so no collection runs
// inside it.
const PARSE_BUDGET_MS = 20;
const PARSE_BUDGET_MS_PER_CHAR = 0.0005;
// (shared/ is typed without host globals: performance is looked up, Date is the fallback)
const clock = (globalThis as { performance?: { now(): number } }).performance;
const now = (): number => (clock ? clock.now() : Date.now());
let budgetClock: () => number = now;

const LONE_CR = /\r(?!\n)/g;

export function parseShell(source: string): ShellScript {
  const cached = cache.get(source);
  if (cached) return cached;
  if (!parser) throw new Error('Shell parser not initialised: call initShellParser() first');
  parses++;
  // A lone CR is a line break for the editor (LSP) and for dockerfile-ast, but an ordinary character for
  // tree-sitter-bash, whose heredoc scanning then goes quadratic between two progress checks (a 27 KB RUN with
  // thousands of them: 1 s, uncancellable). It is parsed as the line break it is shown as; the length is the
  // same, so offsets hold.
  const text = source.includes('\r') ? source.replace(LONE_CR, '\n') : source;
  const tree = parseWithinBudget(parser, text);
  if (!tree) {
    const given: ShellScript = { commands: [], chains: [], hasErrors: true, cancelled: true };
    remember(source, given);
    return given;
  }
  let script: ShellScript;
  try {
    script = extract(tree.rootNode, text);
  } finally {
    tree.delete(); // WASM memory is not garbage-collected
  }
  remember(source, script);
  return script;
}

/**
 * The CPU clock read last and the wall time then. The CPU clock is a system call (on Linux a read of
 * /proc/thread-self/schedstat, 1.5% of a cold lint when read before every parse), so a parse starting within
 * CLOCK_REUSE_MS of the last reading counts from that reading instead: the CPU time used since then, minus the
 * wall time that passed before the parse started, is never more than what the parse used, and at most
 * CLOCK_REUSE_MS less. A parse is thus never given up early, and late by at most that much.
 */
let cpuBase = 0;
let wallBase = Number.NEGATIVE_INFINITY;
const CLOCK_REUSE_MS = 5;

/** One parse of `text`, or null when it ran out of its budget (PARSE_BUDGET_MS). */
function parseWithinBudget(p: Parser, text: string): Tree | null {
  const budget = PARSE_BUDGET_MS + PARSE_BUDGET_MS_PER_CHAR * text.length;
  const wallStart = now();
  if (wallStart - wallBase > CLOCK_REUSE_MS) {
    cpuBase = budgetClock();
    wallBase = now();
  }
  const before = cpuBase + (wallStart - wallBase); // CPU time at the start, or later
  // The CPU clock is read only once the (cheap) wall clock says the budget is spent, since the parsing thread
  // cannot have used more CPU time than that.
  // web-tree-sitter's typings say void, its implementation cancels when the callback returns true.
  const progressCallback = (() => now() - wallStart > budget && budgetClock() - before > budget) as unknown as () => void;
  const tree = p.parse(text, null, { progressCallback });
  if (!tree) p.reset(); // otherwise the next parse resumes this one
  return tree;
}

function remember(source: string, script: ShellScript): void {
  cache.set(source, script, source.length);
}

// Reading the tree costs over half as much as parsing it: each property of a node that is not already on the
// JS object (end, type, children) is a call into WASM. Commands take two calls for their words, each word
// reads its end and type once, and texts are slices of the source.
function extract(root: SyntaxNode, source: string): ShellScript {
  const byStart = new Map<number, ShellCommand>();
  const commands: ShellCommand[] = [];
  for (const node of root.descendantsOfType('command')) {
    if (!node) continue;
    const command = toCommand(node, source);
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

function toCommand(node: SyntaxNode, source: string): ShellCommand | null {
  const nameNode = node.childForFieldId(nameField);
  if (!nameNode) return null;
  const args: ShellWord[] = [];
  for (const arg of node.childrenForFieldId(argumentField)) {
    if (arg) args.push(toWord(arg, source));
  }
  return { name: toWord(nameNode, source), args, start: node.startIndex, end: node.endIndex };
}

function toWord(node: SyntaxNode, source: string): ShellWord {
  const start = node.startIndex;
  const end = node.endIndex;
  const text = source.slice(start, end);
  return { text, value: wordValue(node, text, source), start, end };
}

/** The value of a word node whose source is `text`. */
function wordValue(node: SyntaxNode, text: string, source: string): string | null {
  switch (node.type) {
    case 'command_name': {
      const child = node.firstNamedChild;
      return child ? wordValue(child, source.slice(child.startIndex, child.endIndex), source) : null;
    }
    case 'word':
    case 'number':
      return unescapeUnquoted(text);
    case 'raw_string':
      return text.slice(1, -1);
    case 'string': {
      let out = '';
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type !== 'string_content') return null;
        out += source.slice(child.startIndex, child.endIndex).replace(/\\([$`"\\\n])/g, '$1');
      }
      return out;
    }
    case 'concatenation': {
      let out = '';
      for (const child of node.namedChildren) {
        if (!child) continue;
        const v = wordValue(child, source.slice(child.startIndex, child.endIndex), source);
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
