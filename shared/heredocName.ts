// dockerfile-ast finds a heredoc's name (`<<EOF`, `<<-"EOT"`) with Instruction.getNameRange and getName, and both
// are quadratic on some input: after an escape character getNameRange searches for a line break to the end of the
// argument (every escape character of `<<\\\\…` rescans the rest), and after an escaped line break both search
// again at every `#`. On top of that Instruction.getHeredocs asks for the name again at every line of the
// heredoc's body. Fuzz seed 1128014 case 27,238: `RUN python3 <<` followed by 49,000 backslashes and a few lines
// took 20 s. Here: the same algorithms step for step, with the search's result kept while it is still ahead, and
// (for the model's own documents, which never change) each name read once per instruction.
// test/perf-invariants.test.ts checks them against the originals.
import { Instruction } from 'dockerfile-ast';

export interface NameSpan {
  /** Offset in the content of the name's first character, or -1 when there is none. */
  start: number;
  /** Offset after the name's last character when it is quoted (meaningful only then). */
  end: number;
  quoted: boolean;
}

/** getNameRange's scan of an argument's text (`<<NAME`, `<<-"NAME"`, …). */
export function heredocNameSpan(content: string, escapeChar: string): NameSpan {
  let endFound = false;
  let searchHyphen = false;
  let start = -1;
  let end = -1;
  let escaping = false;
  let quote: string | null = null;
  const newline = new NextNewline(content);
  contentLoop: for (let i = 0; i < content.length; i++) {
    const ch = content.charAt(i);
    switch (ch) {
      case '"':
      case '\'':
        if (quote === ch) break contentLoop;
        quote = ch;
        continue;
      case escapeChar:
        // The original looks for a line break anywhere after the escape character, then goes on from the next one.
        if (newline.after(i) !== -1) escaping = true;
        break;
      case ' ':
      case '\t':
      case '\r':
      case '\n':
        break;
      case '<':
        if (endFound) searchHyphen = true;
        else endFound = true;
        break;
      case '-':
        if (searchHyphen) {
          searchHyphen = false;
          break;
        }
      // falls through
      case '#':
        if (escaping) {
          const j = newline.after(i);
          if (j !== -1) {
            i = j;
            continue contentLoop;
          }
        }
      // falls through
      default:
        if (start === -1) start = i;
        if (quote !== null) {
          end = i + 1;
          break;
        }
        break contentLoop;
    }
  }
  return { start, end, quoted: quote !== null };
}

/** getName's reading of the text of a name range: escapes and escaped line breaks resolved. */
export function heredocName(content: string, escapeChar: string): string {
  let escaping = false;
  let name = '';
  const newline = new NextNewline(content);
  nameLoop: for (let i = 0; i < content.length; i++) {
    const ch = content.charAt(i);
    switch (ch) {
      case escapeChar:
        escaping = true;
        for (let j = i + 1; j < content.length; j++) {
          switch (content.charAt(j)) {
            case ' ':
            case '\t':
              break;
            case '\r':
              i = j + 1;
              continue nameLoop;
            case '\n':
              i = j;
              continue nameLoop;
            default:
              name += content.charAt(j);
              i = j;
              continue nameLoop;
          }
        }
        break;
      case '#':
        if (escaping) {
          const j = newline.after(i);
          if (j !== -1) {
            i = j;
            continue nameLoop;
          }
        }
      // falls through
      case ' ':
      case '\t':
      case '\r':
      case '\n':
        if (escaping) break;
      // falls through
      default:
        name += ch;
        break;
    }
  }
  return name;
}

/** The first LF after a position, searched again only once the position has passed the one found. */
class NextNewline {
  private found = 0; // 0: not searched yet (a search always starts after some position, so 0 is never a result)
  constructor(private readonly text: string) {}

  after(position: number): number {
    if (this.found !== -1 && this.found <= position) this.found = this.text.indexOf('\n', position + 1);
    return this.found;
  }
}

interface Position { line: number; character: number }
interface Range { start: Position; end: Position }
interface NamedInstruction {
  [key: symbol]: unknown;
  document: { getText(range?: Range): string; offsetAt(position: Position): number; positionAt(offset: number): Position };
  escapeChar: string;
}

type NameRangeMethod = (this: unknown, startRange: Range) => Range;
type NameMethod = (this: unknown, nameRange: Range) => string;

const PATCHED = Symbol.for('dockerfile-seguro.heredoc-names');
const NAME_RANGES = Symbol('heredoc name ranges');
const NAMES = Symbol('heredoc names');

/** dockerfile-ast's own methods, as they were before linearHeredocNames() replaced them. */
export const originalHeredocNames: { getNameRange: NameRangeMethod | null; getName: NameMethod | null } = { getNameRange: null, getName: null };

const key = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
const copy = (r: Range): Range => ({ start: { ...r.start }, end: { ...r.end } });

/**
 * Makes dockerfile-ast read heredoc names in linear time (same results). `unchanging(instruction)` says whether its
 * document never changes, so that a name can be read once and kept on the instruction.
 */
export function linearHeredocNames(unchanging: (instruction: object) => boolean): void {
  const proto = Instruction.prototype as unknown as Record<PropertyKey, unknown>;
  if (proto[PATCHED] || typeof proto.getNameRange !== 'function' || typeof proto.getName !== 'function') return;
  proto[PATCHED] = true;
  originalHeredocNames.getNameRange = proto.getNameRange as NameRangeMethod;
  originalHeredocNames.getName = proto.getName as NameMethod;
  proto.getNameRange = function getNameRange(this: NamedInstruction, startRange: Range): Range {
    return copy(remembered(this, NAME_RANGES, startRange, unchanging, () => nameRange(this, startRange)));
  };
  proto.getName = function getName(this: NamedInstruction, range: Range): string {
    return remembered(this, NAMES, range, unchanging, () => heredocName(this.document.getText(range), this.escapeChar));
  };
}

function nameRange(instruction: NamedInstruction, startRange: Range): Range {
  const { document } = instruction;
  const { start, end, quoted } = heredocNameSpan(document.getText(startRange), instruction.escapeChar);
  if (start === -1) return { start: startRange.end, end: startRange.end };
  const base = document.offsetAt(startRange.start);
  return { start: document.positionAt(base + start), end: quoted ? document.positionAt(base + end) : startRange.end };
}

function remembered<V>(instruction: NamedInstruction, slot: symbol, range: Range, unchanging: (instruction: object) => boolean, compute: () => V): V {
  if (!unchanging(instruction)) return compute();
  let known = instruction[slot] as Map<string, V> | undefined;
  if (!known) instruction[slot] = known = new Map();
  const k = key(range);
  let value = known.get(k);
  if (value === undefined) known.set(k, (value = compute()));
  return value;
}
