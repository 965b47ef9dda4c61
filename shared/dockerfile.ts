// The parsed Dockerfile that rules read: dockerfile-ast's tree, stages with their resolved base
// images, and RUN instructions as shell scripts whose offsets map back to the document.
//
// Performance (README "Performance", bench/): every step is linear in the size of the document.
// - dockerfile-ast re-tokenizes an instruction's arguments on every getArguments()/getFlags()/... call,
//   several times per instruction while parsing. That tokenization is memoized for the documents this
//   model parses (see `memoizeArguments`), which makes the parse about 3× faster.
// - Variables resolve through per-scope indexes instead of dockerfile-ast's resolveVariable, which scans
//   the whole file on each call (quadratic over a file).
// - A RUN's shell source is built with string slices, and cached with its parse across models by the exact
//   text of the RUN: after an edit, unchanged RUNs cost a map lookup.
import {
  Arg, Argument, DockerfileParser, Env, From, Instruction as AstInstruction,
  type Dockerfile, type Instruction, type Run, type Heredoc,
} from 'dockerfile-ast';
import { Parser as AstParser } from 'dockerfile-ast/lib/parser';
import { linearPropertyValues } from './propertyValue';
import { linearHeredocNames } from './heredocName';
import { LineIndex, shiftLines } from './textDocument';
import { RecentlyUsed } from './recentlyUsed';
import { clearSegmentCache } from './stageScope';
import { parseShell, type ShellCommand, type ShellScript } from './shell/parser';
import type { Range } from './types';

export interface Stage {
  index: number;
  from: From;
  /** `AS name`, lower-cased as Docker compares it. */
  name: string | null;
  /** Base image after ARG substitution (`node:20`), or null when it cannot be resolved. */
  image: string | null;
  /** The stage this one builds on (`FROM builder`), if any. */
  parent: Stage | null;
  /** Instructions after FROM up to the next FROM. */
  instructions: Instruction[];
  isFinal: boolean;
}

/** A RUN's shell script placed in the document: `offset` is where the parsed source starts. */
export interface RunShell {
  script: ShellScript;
  offset: number;
  /** Source text handed to the parser (continuations and Dockerfile comments blanked). */
  source: string;
}

export class DockerfileModel {
  readonly index: LineIndex;
  readonly ast: Dockerfile;
  readonly escapeChar: string;
  readonly instructions: Instruction[];
  readonly stages: Stage[];
  /**
   * True for a view of one part of the file (stageScope.ts): `stages` and `instructions` are that part's,
   * everything else is the whole file's.
   */
  readonly scoped: boolean;
  /** What the model computes from the whole file, shared with its views. */
  private readonly state: ModelState;

  constructor(readonly text: string, viewOf?: { model: DockerfileModel; stages: Stage[]; instructions: Instruction[] }) {
    if (viewOf) {
      // (the same fields in the same order as a model: views and models share one object shape)
      const { model } = viewOf;
      this.index = model.index;
      this.ast = model.ast;
      this.escapeChar = model.escapeChar;
      this.instructions = viewOf.instructions;
      this.stages = viewOf.stages;
      this.scoped = true;
      this.state = model.state;
      return;
    }
    this.index = new LineIndex(text);
    this.ast = parseDockerfile(text);
    this.escapeChar = this.ast.getEscapeCharacter();
    this.instructions = this.ast.getInstructions();
    this.stages = [];
    this.scoped = false;
    this.state = {
      instructions: this.instructions, shells: new Map(), runs: new Map(), stageByInstruction: new Map(), globalArgs: null,
      shellTables: new Map(), inheritedPosix: new Map(), roots: new Map(), variables: null,
    };
    // dockerfile-ast's own resolveVariable (also used inside it, e.g. by getVariables()) scans every
    // instruction on each call; this one answers the same from indexes built once.
    const ast = this.ast as Dockerfile & { resolveVariable: (variable: string, line: number) => string | null | undefined };
    ast.resolveVariable = (variable: string, line: number) => this.resolveVariable(variable, line);
    this.stages = this.buildStages();
  }

  /** A view of this model with only the given stages and instructions (stage-scoped rules, stageScope.ts). */
  viewOf(stages: Stage[], instructions: Instruction[]): DockerfileModel {
    return new DockerfileModel(this.text, { model: this, stages, instructions });
  }

  get finalStage(): Stage | null {
    // The final stage is not a part's business: a rule that asks is not stage-scoped.
    if (this.scoped) throw new Error('finalStage read through a view of one part of the file');
    return this.stages.length ? this.stages[this.stages.length - 1] : null;
  }

  offsetAt(position: { line: number; character: number }): number {
    return this.index.offsetAt(position);
  }

  rangeOf(start: number, end: number): Range {
    return this.index.rangeOf(start, end);
  }

  stageOf(instruction: Instruction): Stage | null {
    return this.state.stageByInstruction.get(instruction) ?? null;
  }

  /** Follows `FROM <stage>` links down to the external image the stage ultimately builds on. */
  rootImage(stage: Stage): string | null {
    const known = this.state.roots.get(stage);
    if (known !== undefined) return known;
    // Stages only name earlier stages as parents, so the chain ends; it is walked once per stage.
    const chain: Stage[] = [];
    let current: Stage | null = stage;
    let image: string | null = null;
    for (; current; current = current.parent) {
      const cached = this.state.roots.get(current);
      if (cached !== undefined) { image = cached; break; }
      chain.push(current);
      if (!current.parent) { image = current.image; break; }
    }
    for (const s of chain) this.state.roots.set(s, image);
    return image;
  }

  /**
   * Expands `$VAR`, `${VAR}`, `${VAR:-default}` with the values of ARG/ENV in effect at `line`.
   * Returns null when a variable has no known value.
   */
  expand(value: string, line: number): string | null {
    if (!value.includes('$')) return value;
    // dockerfile-ast recurses without end for a line after the last instruction: clamp it.
    const all = this.state.instructions;
    const last = all.length ? all[all.length - 1].getRange().end.line : 0;
    const at = Math.max(0, Math.min(line, last));
    // A value may itself use variables (`ENV PORT=${APP_PORT}`): expand a few levels, as Docker would.
    const lookup = (name: string, depth: number): string | null | undefined => {
      const raw = this.resolveVariable(name, at);
      if (raw === null || raw === undefined || !raw.includes('$') || depth >= 4) return raw;
      return substituteVariables(raw, (inner) => (inner === name ? undefined : lookup(inner, depth + 1)));
    };
    return substituteVariables(value, (name) => lookup(name, 0));
  }

  /**
   * The value of an ARG or ENV at `line` as dockerfile-ast's `Dockerfile.resolveVariable` computes it
   * (null: declared without a value; undefined: not declared), in O(log n). For a line outside every
   * stage, where dockerfile-ast recurses without end, undefined.
   */
  resolveVariable(variable: string, line: number): string | null | undefined {
    this.state.variables ??= new VariableIndex(this.state.instructions, this.index.lineCount - 1);
    return this.state.variables.resolve(variable, line);
  }

  /** The shell script of a shell-form RUN, or null for exec form, non-POSIX shells or ONBUILD. */
  shellOf(instruction: Instruction): RunShell | null {
    if (this.state.shells.has(instruction)) return this.state.shells.get(instruction)!;
    const result = this.computeShell(instruction as Run);
    this.state.shells.set(instruction, result);
    return result;
  }

  /** Every parsed RUN of a stage with its commands, in order (a dozen rules ask: made once per model). */
  runsOf(stage: Stage): ReadonlyArray<{ instruction: Instruction; shell: RunShell }> {
    let runs = this.state.runs.get(stage);
    if (!runs) {
      runs = [];
      for (const instruction of stage.instructions) {
        if (instruction.getKeyword() !== 'RUN') continue;
        const shell = this.shellOf(instruction);
        if (shell) runs.push({ instruction, shell });
      }
      this.state.runs.set(stage, runs);
    }
    return runs;
  }

  commandRange(shell: RunShell, item: { start: number; end: number }): Range {
    return this.rangeOf(shell.offset + item.start, shell.offset + item.end);
  }

  /** Source text of a command with Dockerfile line continuations collapsed to single spaces. */
  commandText(shell: RunShell, command: ShellCommand): string {
    return shell.source.slice(command.start, command.end).replace(/\s+/g, ' ').trim();
  }

  private buildStages(): Stage[] {
    const froms = this.ast.getFROMs();
    const stages: Stage[] = [];
    const byName = new Map<string, Stage>();
    froms.forEach((from, index) => {
      const raw = from.getImage();
      const image = raw === null ? null : this.expandGlobal(raw);
      const name = from.getBuildStage()?.toLowerCase() ?? null;
      const parent = image !== null ? byName.get(image.toLowerCase()) ?? null : null;
      const stage: Stage = { index, from, name, image, parent, instructions: [], isFinal: index === froms.length - 1 };
      stages.push(stage);
      if (name) byName.set(name, stage);
    });
    // Instructions come in document order: each belongs to the last FROM before it.
    let current: Stage | null = null;
    let next = 0;
    for (const instruction of this.state.instructions) {
      if (next < stages.length && instruction === (stages[next].from as Instruction)) {
        current = stages[next++];
        this.state.stageByInstruction.set(instruction, current);
        continue;
      }
      if (current) {
        current.instructions.push(instruction);
        this.state.stageByInstruction.set(instruction, current);
      }
    }
    return stages;
  }

  /** FROM only sees ARGs declared before the first FROM. */
  private expandGlobal(value: string): string | null {
    if (!this.state.globalArgs) {
      // Each default may use the ARGs declared before it: `ARG IMAGE=$REGISTRY/base`.
      const defaults = new Map<string, string | null>();
      for (const arg of this.ast.getInitialARGs()) {
        const property = arg.getProperty();
        if (!property) continue;
        const raw = property.getValue();
        defaults.set(property.getName(), raw === null ? null : substituteVariables(raw, (name) => defaults.get(name)));
      }
      this.state.globalArgs = defaults;
    }
    const defaults = this.state.globalArgs;
    return substituteVariables(value, (name) => defaults.get(name));
  }

  /** SHELL instructions of a stage with their lines, collected once (files can have thousands of RUNs). */
  private shellTable(stage: Stage): ShellTable {
    let table = this.state.shellTables.get(stage);
    if (!table) {
      table = { lines: [], posix: [] };
      for (const instruction of stage.instructions) {
        if (instruction.getKeyword() !== 'SHELL') continue;
        table.lines.push(instruction.getRange().start.line);
        const program = (instruction as Run).getJSONStrings?.()[0]?.getJSONValue() ?? '';
        table.posix.push(POSIX_SHELL.test(program));
      }
      this.state.shellTables.set(stage, table);
    }
    return table;
  }

  private isPosixShell(instruction: Instruction): boolean {
    const stage = this.stageOf(instruction);
    if (!stage) return true;
    // The last SHELL before this RUN in the stage decides, else the last one of its parents, else the image.
    const table = this.shellTable(stage);
    const before = lastBelow(table.lines, instruction.getRange().start.line);
    if (before >= 0) return table.posix[before];
    return this.inheritedPosixOf(stage);
  }

  private inheritedPosixOf(stage: Stage): boolean {
    const known = this.state.inheritedPosix.get(stage);
    if (known !== undefined) return known;
    let decision: boolean | undefined;
    const chain: Stage[] = [stage];
    for (let s: Stage | null = stage.parent; s; s = s.parent) {
      const cached = this.state.inheritedPosix.get(s);
      if (cached !== undefined) { decision = cached; break; }
      const table = this.shellTable(s);
      if (table.posix.length) { decision = table.posix[table.posix.length - 1]; break; }
      chain.push(s);
    }
    // No SHELL anywhere up the chain: every stage of it builds on the same root image.
    decision ??= !/(windows|servercore|nanoserver)/i.test(this.rootImage(stage) ?? '');
    for (const s of chain) this.state.inheritedPosix.set(s, decision);
    return decision;
  }

  private computeShell(run: Run): RunShell | null {
    if (run.getKeyword() !== 'RUN') return null;
    if (run.getOpeningBracket?.() && run.getClosingBracket?.() && run.getJSONStrings().length) return null; // exec form
    if (!this.isPosixShell(run)) return null;
    const start = this.offsetAt(run.getInstructionRange().end);
    const end = this.offsetAt(run.getRange().end);
    if (end <= start) return null;
    // What follows the keyword decides everything below (with the escape character): the same text
    // anywhere, in this document or another, gives the same source and script.
    // A RUN copied from an earlier model's (reuseInstructions) has the same text: it shares that one's entry.
    const box = (run as { [SHELL_ENTRY]?: { entry: ShellEntry | null } })[SHELL_ENTRY];
    let entry = box?.entry;
    if (!entry) {
      const key = this.escapeChar + this.text.slice(start, end);
      entry = runCache.get(key);
      if (!entry) {
        const source = this.shellSource(run, start, end);
        entry = { source, script: parseShell(source) };
        runCacheSet(key, entry); // a given-up script too: it stays given up until its text changes (parseShell)
      }
      if (box) box.entry = entry;
    }
    return { script: entry.script, offset: start, source: entry.source };
  }

  /**
   * The text after `RUN` as the shell sees it, same length so offsets map 1:1: flags hidden, Docker's
   * line continuations (with the empty and comment lines they swallow) and CRs turned into spaces, and
   * for `RUN <<EOF` the heredoc markers hidden so that the body is the script.
   */
  private shellSource(run: Run, start: number, end: number): string {
    const rel = (position: { line: number; character: number }) => this.offsetAt(position) - start;
    const length = end - start;
    // 1. flags, newlines kept (a continuation inside a flag is then no longer one, as Docker sees it).
    let source = blankRanges(this.text.slice(start, end), run.getFlags().map((f) => [rel(f.getRange().start), rel(f.getRange().end)]));
    // 2. continuations, outside heredoc bodies.
    const heredocs = heredocsOf(run);
    const bodies: Array<readonly [number, number]> = [];
    for (const h of heredocs) {
      const r = h.getContentRange();
      if (r) bodies.push([rel(r.start), rel(r.end)]);
    }
    source = blankContinuations(source, this.escapeChar, bodies);
    // 3. `RUN <<EOF ... EOF`: the body itself is the script, so the markers are hidden from the shell.
    if (heredocs.length) {
      const args = run.getArguments();
      if (args.length && args[0].getValue().startsWith('<<')) {
        const markers: Array<[number, number]> = [];
        for (const h of heredocs) {
          markers.push([rel(h.getStartRange().start), rel(h.getStartRange().end)]);
          const delimiter = h.getDelimiterRange();
          if (delimiter) markers.push([rel(delimiter.start), rel(delimiter.end)]);
        }
        source = blankRanges(source, markers);
      }
    }
    if (source.length !== length) throw new Error('shell source must keep the length of the RUN');
    return flat(source);
  }
}

/** What a model computes from the whole file (private to DockerfileModel, shared with its views). */
interface ModelState {
  readonly instructions: Instruction[];
  readonly shells: Map<Instruction, RunShell | null>;
  readonly runs: Map<Stage, Array<{ instruction: Instruction; shell: RunShell }>>;
  readonly stageByInstruction: Map<Instruction, Stage>;
  globalArgs: Map<string, string | null> | null;
  readonly shellTables: Map<Stage, ShellTable>;
  /** Whether RUNs of a stage that has no SHELL of its own are POSIX, from its parents or its image. */
  readonly inheritedPosix: Map<Stage, boolean>;
  readonly roots: Map<Stage, string | null>;
  variables: VariableIndex | null;
}

/**
 * dockerfile-ast's Run.getHeredocs() throws on some input (a continuation ended by a lone CR followed by a
 * comment line: it reads `getRange` of undefined): such a RUN is read as having no heredocs.
 */
function heredocsOf(run: Run): Heredoc[] {
  try {
    return run.getHeredocs();
  } catch {
    return [];
  }
}

interface ShellTable {
  /** Start lines of the stage's SHELL instructions, ascending. */
  lines: number[];
  posix: boolean[];
}

const POSIX_SHELL = /(^|\/)(ba|da|k|z|a)?sh$/;

/** Index of the last element of ascending `values` that is below `limit`, or -1. */
function lastBelow(values: readonly number[], limit: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid] < limit) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/** Replaces the characters of `ranges` (relative, possibly unsorted or out of bounds) by spaces, keeping newlines. */
function blankRanges(text: string, ranges: ReadonlyArray<readonly [number, number]>): string {
  const clipped = ranges
    .map(([s, e]) => [Math.max(0, s), Math.min(text.length, e)] as const)
    .filter(([s, e]) => s < e)
    .sort((a, b) => a[0] - b[0]);
  if (!clipped.length) return text;
  const parts: string[] = [];
  let cursor = 0;
  for (const [s, e] of clipped) {
    const from = Math.max(s, cursor);
    if (from >= e) continue;
    parts.push(text.slice(cursor, from), text.slice(from, e).replace(/[^\n]/g, ' '));
    cursor = e;
  }
  parts.push(text.slice(cursor));
  return parts.join('');
}

/**
 * Docker removes `<escape><newline>` and, after it, empty and comment lines before the shell sees
 * the command. Replacing them with spaces (newlines included) keeps offsets identical. CRs become spaces
 * too. Heredoc bodies (relative ranges) are left alone. Only escape characters and CRs are visited.
 */
function blankContinuations(text: string, esc: string, bodies: ReadonlyArray<readonly [number, number]>): string {
  const n = text.length;
  const inBody = bodies.length ? (i: number) => bodies.some(([s, e]) => i >= s && i < e) : () => false;
  const special = esc === '\\' ? /[\r\\]/g : new RegExp(`[\\r${esc.replace(/[\\^\]-]/g, '\\$&')}]`, 'g');
  const parts: string[] = [];
  let cursor = 0; // text before it is already in `parts`
  const wipe = (from: number, to: number) => {
    parts.push(text.slice(cursor, from), ' '.repeat(to - from));
    cursor = to;
  };
  let i = 0;
  while (i < n) {
    special.lastIndex = i;
    const m = special.exec(text);
    if (!m) break;
    i = m.index;
    const c = text[i];
    if (c === '\r' && !inBody(i)) { wipe(i, i + 1); i++; continue; }
    if (c !== esc || inBody(i)) { i++; continue; }
    // an escaped escape character is not a continuation
    if (esc === '\\' && text[i + 1] === '\\') { i += 2; continue; }
    let j = i + 1;
    while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
    if (j < n && text[j] === '\r') j++;
    if (j >= n || text[j] !== '\n') { i++; continue; }
    j++; // past the newline
    // Following empty or comment-only lines belong to the same instruction and vanish.
    for (;;) {
      let k = j;
      while (k < n && (text[k] === ' ' || text[k] === '\t')) k++;
      if (k < n && text[k] === '#') {
        const eol = text.indexOf('\n', k);
        if (eol >= 0) { j = eol + 1; continue; }
        j = n;
        break;
      }
      if (k < n && (text[k] === '\n' || text[k] === '\r')) {
        if (text[k] === '\r') k++;
        if (k < n && text[k] === '\n') { j = k + 1; continue; }
      }
      break;
    }
    wipe(i, j);
    i = j;
  }
  if (!parts.length) return text;
  parts.push(text.slice(cursor));
  return parts.join('');
}

/**
 * A copy that shares no memory with the document text: a slice kept in a cache would otherwise keep the
 * whole text of an old version of the document alive.
 */
function flat(text: string): string {
  return text.length < 16 ? text : (' ' + text).slice(1);
}

// ---------------------------------------------------------------------------------------------------------
// RUN shells shared across models (every keystroke makes a new model): an LRU keyed by the escape
// character and the exact text after `RUN`. Bounded by entries and by characters (keys and sources): 4 million
// hold a 50,000-line file's RUNs twice over (1.8 million); with the token cache at the same bound, a server that
// has linted far more text than that holds ~145 MB of heap (8 million each: ~200 MB, for no file that fits less).

interface ShellEntry {
  source: string;
  script: ShellScript;
}

const RUN_CACHE_ENTRIES = 50_000;
const RUN_CACHE_CHARS = 4_000_000;
const runCache = new RecentlyUsed<ShellEntry>(RUN_CACHE_ENTRIES, RUN_CACHE_CHARS);

function runCacheSet(key: string, entry: ShellEntry): void {
  const stored = flat(key);
  runCache.set(stored, entry, stored.length + entry.source.length);
}

/** Size of the cross-model RUN cache, for tests and the benchmark. */
export function runShellCacheStats(): { entries: number; chars: number } {
  return { entries: runCache.size, chars: runCache.weight };
}

/**
 * Empties the cross-model caches: RUN shells, instruction tokens and templates, stage-scoped reports (tests, the
 * benchmark's cold runs, idle servers).
 */
export function clearRunShellCache(): void {
  clearSegmentCache();
  runCache.clear();
  tokenCache.clear();
  instructionCache.clear();
}

// ---------------------------------------------------------------------------------------------------------
// dockerfile-ast tokenizes an instruction's arguments again on every call of getRawArguments(), which
// getArguments(), getFlags(), getHeredocs(), getArgumentsRange(), ... all go through, several times per
// instruction while parsing (and the parser builds most instructions twice). For the documents parsed here
// the tokens are kept per document and range (the text never changes) and each call gets a new array.
// The Argument objects are shared, except for FROM: dockerfile-ast mutates the range of its first argument
// (From.getImageNameRange, getRegistryRange), so FROM gets fresh copies every time and its tokens are never
// handed out.
// The upper-cased keyword and (once parsed) the heredocs are kept too, and getHeredocs() does not throw.
// Other users of dockerfile-ast in the process are not affected.

const TOKENS = Symbol('dockerfile-seguro.arguments');
const KEYWORD = Symbol('dockerfile-seguro.keyword');
const PATCHED = Symbol('dockerfile-seguro.patched');
const HEREDOCS = Symbol('dockerfile-seguro.heredocs');
let parsing = 0;
const ownDocuments = new WeakSet<object>();

interface Tokens {
  /** The instruction's range end and keyword end: with its start (the map key), what the tokens depend on. */
  endLine: number;
  endCharacter: number;
  keywordLine: number;
  keywordCharacter: number;
  args: Argument[];
}

/** Per document: tokens by instruction start (line * 2^21 + character), for the instructions built twice. */
const tokensByDocument = new WeakMap<object, Map<number, Tokens>>();

interface AstLine {
  [key: symbol]: unknown;
  document: object;
  escapeChar: string;
  range: LineSpan;
  instructionRange: LineSpan;
}

function memoizeArguments(): void {
  const proto = AstInstruction.prototype as unknown as Record<PropertyKey, unknown>;
  const original = proto.getRawArguments as ((this: unknown) => Argument[]) | undefined;
  const keyword = proto.getKeyword as ((this: unknown) => string) | undefined;
  if (typeof original !== 'function' || typeof keyword !== 'function' || proto[PATCHED]) return;
  proto[PATCHED] = true;
  const own = (line: AstLine) => parsing > 0 || ownDocuments.has(line.document);
  proto.getRawArguments = function getRawArguments(this: AstLine): Argument[] {
    let args = this[TOKENS] as Argument[] | undefined;
    if (!args) {
      if (!own(this)) return original.call(this);
      args = sharedTokens(this, original);
      this[TOKENS] = args;
    }
    return this instanceof From ? args.map(copyArgument) : args.slice();
  };
  // Instruction.getHeredocs() throws on some input (a continuation ended by a lone CR, then a comment line:
  // it reads `getRange` of undefined); for the model's documents such an instruction has no heredocs.
  // Once parsed, an instruction's heredocs never change: they are computed once (rules ask for them again and
  // again) and each call gets a new array.
  const heredocs = proto.getHeredocs as ((this: unknown) => Heredoc[]) | undefined;
  if (typeof heredocs === 'function') {
    proto.getHeredocs = function getHeredocs(this: AstLine): Heredoc[] {
      if (!own(this)) return heredocs.call(this);
      const known = this[HEREDOCS] as Heredoc[] | undefined;
      if (known) return known.slice();
      let found: Heredoc[];
      try {
        // Heredocs come from arguments that start with `<<`, whose characters are the instruction's: without
        // a `<` in its text an instruction has none, and dockerfile-ast's scan of it is skipped.
        found = mentionsLessThan(this) ? heredocs.call(this) : [];
      } catch {
        found = [];
      }
      if (parsing === 0) this[HEREDOCS] = found;
      return found.slice();
    };
  }
  proto.getKeyword = function getKeyword(this: AstLine): string {
    const known = this[KEYWORD] as string | undefined;
    if (known !== undefined) return known;
    const value = keyword.call(this);
    if (own(this)) this[KEYWORD] = value;
    return value;
  };
}

/** Whether the instruction's text has a `<`. */
function mentionsLessThan(line: AstLine): boolean {
  const document = line.document as { getText(): string; offsetAt(position: Position): number };
  const from = document.offsetAt(line.range.start);
  const at = document.getText().indexOf('<', from);
  return at >= 0 && at < document.offsetAt(line.range.end);
}

/** The tokens of an instruction, shared with an earlier instruction of the document over the same text. */
function sharedTokens(line: AstLine, original: (this: unknown) => Argument[]): Argument[] {
  const { start, end } = line.range;
  const k = line.instructionRange.end;
  if (start.character >= 1 << 21) return original.call(line);
  let byStart = tokensByDocument.get(line.document);
  if (!byStart) tokensByDocument.set(line.document, (byStart = new Map()));
  const key = start.line * (1 << 21) + start.character;
  const known = byStart.get(key);
  if (known && known.endLine === end.line && known.endCharacter === end.character
    && known.keywordLine === k.line && known.keywordCharacter === k.character) return known.args;
  const args = tokensAcrossModels(line, original);
  byStart.set(key, { endLine: end.line, endCharacter: end.character, keywordLine: k.line, keywordCharacter: k.character, args });
  return args;
}

// Across models (every keystroke makes a new one): an instruction with the same text, escape character and
// keyword span, starting at the same character of its line, has the same tokens at the same places relative
// to its first line. Unchanged instructions then skip dockerfile-ast's tokenizer (a loop over every character
// that builds each token and its positions), most of what re-parsing costs after an edit; instructions that
// moved get copies shifted to their line. An LRU bounded by entries and characters, like the RUN cache.
const TOKEN_CACHE_ENTRIES = 100_000;
const TOKEN_CACHE_CHARS = 4_000_000;
const tokenCache = new RecentlyUsed<{ line: number; args: Argument[] }>(TOKEN_CACHE_ENTRIES, TOKEN_CACHE_CHARS);
let tokenizations = 0;

/** How many times dockerfile-ast's tokenizer ran for the model's documents since the process started. */
export function tokenizeCount(): number {
  return tokenizations;
}

interface TextOfDocument {
  getText(): string;
  offsetAt(position: Position): number;
}

function tokensAcrossModels(line: AstLine, original: (this: unknown) => Argument[]): Argument[] {
  const document = line.document as TextOfDocument;
  const { start, end } = line.range;
  const k = line.instructionRange.end;
  const text = document.getText().slice(document.offsetAt(start), document.offsetAt(end));
  const key = `${line.escapeChar}${start.character},${k.line - start.line},${k.character}\n${text}`;
  const known = tokenCache.get(key);
  if (known) {
    if (known.line !== start.line) {
      const delta = start.line - known.line;
      known.args = known.args.map((a) => shiftArgument(a, delta));
      known.line = start.line;
    }
    return known.args;
  }
  tokenizations++;
  const args = original.call(line);
  const stored = flat(key);
  tokenCache.set(stored, { line: start.line, args }, stored.length);
  return args;
}

/** A copy of the argument `delta` lines further down. */
function shiftArgument(a: Argument, delta: number): Argument {
  return new Argument(a.getValue(), shiftLines(a.getRange(), delta));
}

// ---------------------------------------------------------------------------------------------------------
// Instructions across models. After a keystroke, every instruction but the edited one has the same text at the
// same place as in the previous model; building it again (dockerfile-ast's constructors scan the arguments for
// flags and JSON, Flag objects place their options) was a third of re-parsing a 5,000-line file. For our
// documents, an instruction with the same keyword, escape character, text and ranges as one built before is a
// copy of it: the copy gets this document and Dockerfile, keeps what its constructor computed (which depends on
// the text and the ranges only) and computes the rest lazily, as a new one would. The cache keeps templates with
// no document (a kept document would keep its whole text alive); keywords whose constructor builds objects tied
// to the document (ARG's property), or whose objects are mutated later (FROM's argument ranges) or hold other
// instructions (ONBUILD) are built every time.

const REUSED_KEYWORDS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'ENV', 'LABEL', 'EXPOSE', 'WORKDIR', 'USER',
  'VOLUME', 'SHELL', 'STOPSIGNAL', 'HEALTHCHECK', 'MAINTAINER']);
const INSTRUCTION_CACHE_ENTRIES = 100_000;
const INSTRUCTION_CACHE_CHARS = 4_000_000;

interface KeptInstruction {
  /** What the instruction's construction depends on besides its start (the cache key). */
  escapeChar: string;
  keyword: string;
  endLine: number;
  endCharacter: number;
  keywordLine: number;
  keywordCharacter: number;
  text: string;
  /** A copy of the instruction with no document and no Dockerfile. */
  template: object;
}

// Keyed by where the instruction starts, and checked against its text: comparing two texts is far cheaper than
// hashing one (keying by the text made the lookups cost what building the instructions did). The latest
// instruction seen at a position is kept, whatever the document.
const instructionCache = new RecentlyUsed<KeptInstruction>(INSTRUCTION_CACHE_ENTRIES, INSTRUCTION_CACHE_CHARS);
let instructionBuilds = 0;

/** How many instructions dockerfile-ast built for the model's documents (not copied) since the process started. */
export function instructionBuildCount(): number {
  return instructionBuilds;
}

type CreateInstruction = (document: TextOfDocument, dockerfile: unknown, escapeChar: string, lineRange: LineSpan,
  instruction: string, instructionRange: LineSpan) => object;

function reuseInstructions(): void {
  const parserClass = AstParser as unknown as { createInstruction?: CreateInstruction; [PATCHED]?: boolean };
  const original = parserClass.createInstruction;
  if (typeof original !== 'function' || parserClass[PATCHED]) return;
  parserClass[PATCHED] = true;
  parserClass.createInstruction = function createInstruction(document, dockerfile, escapeChar, lineRange, instruction, instructionRange) {
    // Only while our parse runs: ONBUILD builds its trigger later, and other users of dockerfile-ast are left alone.
    if (parsing === 0 || !REUSED_KEYWORDS.has(instruction.toUpperCase())) {
      return original.call(this, document, dockerfile, escapeChar, lineRange, instruction, instructionRange);
    }
    const { start, end } = lineRange;
    const k = instructionRange.end;
    const text = document.getText().slice(document.offsetAt(start), document.offsetAt(end));
    const key = `${start.line},${start.character}`;
    const kept = instructionCache.get(key);
    if (kept && kept.text === text && kept.keyword === instruction && kept.escapeChar === escapeChar && kept.endLine === end.line
      && kept.endCharacter === end.character && kept.keywordLine === k.line && kept.keywordCharacter === k.character) {
      const copy = shallowCopy(kept.template);
      copy.document = document;
      copy.dockerfile = dockerfile;
      return copy;
    }
    instructionBuilds++;
    const built = original.call(this, document, dockerfile, escapeChar, lineRange, instruction, instructionRange) as AstInstructionFields;
    // (copied with the instruction: every copy of a RUN shares the box of its shell entry, see computeShell)
    if (instruction.toUpperCase() === 'RUN') built[SHELL_ENTRY] = { entry: null };
    const template = shallowCopy(built);
    template.document = null;
    template.dockerfile = null;
    if (template.properties !== undefined) template.properties = undefined; // Property objects hold the document
    instructionCache.set(key, {
      escapeChar, keyword: instruction, endLine: end.line, endCharacter: end.character, keywordLine: k.line, keywordCharacter: k.character,
      text: flat(text), template,
    }, text.length);
    return built;
  };
}

/** The same object, prototype and own fields (symbol-keyed ones too), but not what it refers to. */
function shallowCopy(instruction: object): AstInstructionFields {
  return Object.assign(Object.create(Object.getPrototypeOf(instruction) as object) as AstInstructionFields, instruction);
}

interface AstInstructionFields {
  document: unknown;
  dockerfile: unknown;
  properties?: unknown;
  [SHELL_ENTRY]?: { entry: ShellEntry | null };
}

/** On RUN instructions built while our parse runs: the shell entry of their text, once known. */
const SHELL_ENTRY = Symbol('dockerfile-seguro.shellEntry');

function copyArgument(a: Argument): Argument {
  const r = a.getRange();
  return new Argument(a.getValue(), {
    start: { line: r.start.line, character: r.start.character },
    end: { line: r.end.line, character: r.end.character },
  });
}

memoizeArguments();
reuseInstructions();
linearPropertyValues();
// (a document parsed here never changes: its heredoc names can be read once)
linearHeredocNames((instruction) => parsing > 0 || ownDocuments.has((instruction as AstLine).document));

// dockerfile-ast hands each comment to its build stage by testing every stage, whose range it recomputes
// each time (Dockerfile.organizeComments): quadratic, seconds on a 50,000-line file. For the documents
// parsed here the same assignment is made with a binary search, when stages follow each other without
// sharing a line (as the parser makes them); otherwise the original runs.

interface Position { line: number; character: number }
interface Commented { getRange(): LineSpan }
interface Template { getRange(): LineSpan; addComment(comment: Commented): void }

function linearComments(): void {
  const proto = Object.getPrototypeOf(DockerfileParser.parse('')) as Record<PropertyKey, unknown>;
  const original = proto.organizeComments as ((this: unknown) => void) | undefined;
  if (typeof original !== 'function' || proto[PATCHED]) return;
  proto[PATCHED] = true;
  proto.organizeComments = function organizeComments(this: {
    getComments?: () => Commented[]; initialInstructions?: Template; buildStages?: Template[];
  }): void {
    const initial = this.initialInstructions;
    const stages = this.buildStages;
    if (parsing === 0 || !initial || !Array.isArray(stages) || typeof this.getComments !== 'function') return original.call(this);
    const initialRange = initial.getRange();
    const ranges = stages.map((stage) => stage.getRange());
    for (let i = 1; i < ranges.length; i++) {
      if (ranges[i].start.line <= ranges[i - 1].end.line) return original.call(this);
    }
    const starts = ranges.map((r) => r.start.line);
    for (const comment of this.getComments()) {
      const range = comment.getRange();
      if (insideRange(range.end, initialRange)) {
        initial.addComment(comment);
        continue;
      }
      const i = lastBelow(starts, range.start.line + 1);
      if (i >= 0 && insideRange(range.start, ranges[i])) stages[i].addComment(comment);
    }
  };
}

/** dockerfile-ast's Util.isInsideRange. */
function insideRange(position: Position, range: LineSpan): boolean {
  if (range.start.line === range.end.line) {
    return range.start.line === position.line && range.start.character <= position.character && position.character <= range.end.character;
  }
  if (range.start.line === position.line) return range.start.character <= position.character;
  if (range.end.line === position.line) return position.character <= range.end.character;
  return range.start.line < position.line && position.line < range.end.line;
}

linearComments();

/** A text that is one line starting with `#` (after a BOM and blanks). */
const HASHES_TO_END = /^\uFEFF?[ \t]*#[^\r\n]*$/;

function parseDockerfile(text: string): Dockerfile {
  parsing++;
  let ast: Dockerfile;
  try {
    // dockerfile-ast's parser-directive scan restarts at every `#` of a first line that runs to the end of the
    // text: quadratic (20,000 `#` and no line break: 0.7 s). A line break after it gives the same result.
    ast = DockerfileParser.parse(HASHES_TO_END.test(text) ? `${text}\n` : text);
  } finally {
    parsing--;
  }
  // Instructions made later (ONBUILD triggers) share the document.
  const document = (ast as unknown as { document?: object }).document;
  if (document) {
    ownDocuments.add(document);
    tokensByDocument.delete(document); // only needed while the parser builds instructions twice
  }
  return ast;
}

// ---------------------------------------------------------------------------------------------------------
// Variable resolution with dockerfile-ast's semantics (Dockerfile.resolveVariable, ImageTemplate.
// resolveVariable, getContainingImage), from indexes instead of scans: per scope and name, the lines of
// the ENV and ARG instructions that bind it, ascending.

interface Bindings {
  lines: number[];
  values: Array<string | null>;
}

class Scope {
  private readonly env = new Map<string, Bindings>();
  private readonly arg = new Map<string, Bindings>();

  constructor(instructions: readonly Instruction[], withEnv: boolean) {
    for (const instruction of instructions) {
      const line = instruction.getRange().start.line;
      if (withEnv && instruction instanceof Env) {
        const seen = new Set<string>();
        // The first property of an ENV that has the name wins (they are read in order).
        for (const property of instruction.getProperties()) {
          const name = property.getName();
          if (seen.has(name)) continue;
          seen.add(name);
          bind(this.env, name, line, property.getValue());
        }
      } else if (instruction instanceof Arg) {
        const property = instruction.getProperty();
        if (property) bind(this.arg, property.getName(), line, property.getValue());
      }
    }
  }

  /** The latest ENV before `line` binding `name`, else the latest ARG; undefined when none. */
  resolve(name: string, line: number): string | null | undefined {
    const env = latest(this.env.get(name), line);
    return env !== undefined ? env : latest(this.arg.get(name), line);
  }
}

/** The value bound last before `line`, or undefined. */
function latest(bindings: Bindings | undefined, line: number): string | null | undefined {
  if (!bindings) return undefined;
  const i = lastBelow(bindings.lines, line);
  return i >= 0 ? bindings.values[i] : undefined;
}

function bind(table: Map<string, Bindings>, name: string, line: number, value: string | null): void {
  let bindings = table.get(name);
  if (!bindings) table.set(name, (bindings = { lines: [], values: [] }));
  bindings.lines.push(line);
  bindings.values.push(value);
}

interface LineSpan {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** Whether the position (line, 0) is in `range`, as dockerfile-ast's getContainingImage tests it. */
function containsLineStart(range: LineSpan, line: number): boolean {
  return insideRange({ line, character: 0 }, range);
}

class VariableIndex {
  private readonly initial: Instruction[] = [];
  private readonly stageInstructions: Instruction[][] = [];
  private readonly stageSpans: LineSpan[] = [];
  private readonly stageStarts: number[] = [];
  /** Lines covered by a FROM: variables there resolve against the ARGs before the first FROM. */
  private readonly fromLines = new Set<number>();
  /** Stage spans are in order and do not share lines, so a binary search finds the one containing a line. */
  private readonly ordered: boolean;
  private initialSpan: LineSpan | null = null;
  private initialArgs: Scope | null = null;
  private initialScope: Scope | null = null;
  private readonly stageScopes: Array<Scope | null>;

  constructor(instructions: readonly Instruction[], private readonly lastLine: number) {
    // As Dockerfile.addInstruction groups them.
    let current: Instruction[] | null = null;
    for (const instruction of instructions) {
      if (instruction.getKeyword() === 'FROM') {
        current = [];
        this.stageInstructions.push(current);
      }
      (current ?? this.initial).push(instruction);
      if (instruction instanceof From) {
        const r = instruction.getRange();
        for (let l = r.start.line; l <= r.end.line; l++) this.fromLines.add(l);
      }
    }
    if (this.initial.length) this.initialSpan = spanOf(this.initial);
    this.stageSpans = this.stageInstructions.map(spanOf);
    this.stageStarts = this.stageSpans.map((span) => span.start.line);
    this.stageScopes = this.stageSpans.map(() => null);
    let ordered = true;
    for (let i = 1; i < this.stageSpans.length; i++) {
      if (this.stageSpans[i].start.line <= this.stageSpans[i - 1].end.line) ordered = false;
    }
    this.ordered = ordered;
  }

  resolve(variable: string, line: number): string | null | undefined {
    if (this.fromLines.has(line)) return this.initialArgsScope().resolve(variable, line);
    const scope = this.containingScope(line);
    if (scope === null) return undefined;
    const resolved = scope.resolve(variable, line);
    // An ARG declared without a value falls back to the one before the first FROM.
    return resolved === null ? this.initialArgsScope().resolve(variable, line) : resolved;
  }

  private initialArgsScope(): Scope {
    return (this.initialArgs ??= new Scope(this.initial, false));
  }

  private containingScope(line: number): Scope | null {
    if (line < 0 || line > this.lastLine) return null;
    if (this.initialSpan && containsLineStart(this.initialSpan, line)) return (this.initialScope ??= new Scope(this.initial, true));
    const stage = this.containingStage(line);
    if (stage >= 0) return (this.stageScopes[stage] ??= new Scope(this.stageInstructions[stage], true));
    return null; // dockerfile-ast resolves against the whole file here, which recurses without end
  }

  private containingStage(line: number): number {
    if (!this.ordered) return this.stageSpans.findIndex((span) => containsLineStart(span, line));
    const i = lastBelow(this.stageStarts, line + 1);
    return i >= 0 && containsLineStart(this.stageSpans[i], line) ? i : -1;
  }
}

function spanOf(instructions: readonly Instruction[]): LineSpan {
  return { start: instructions[0].getRange().start, end: instructions[instructions.length - 1].getRange().end };
}

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const PLAIN_VARIABLE = /\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Expands `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` with `lookup`.
 * Returns null when a variable without a default has no known value.
 */
export function substituteVariables(value: string, lookup: (name: string) => string | null | undefined): string | null {
  if (!value.includes('$')) return value;
  let unresolved = false;
  const expand = (name: string, op?: string, word?: string): string => {
    const v = lookup(name);
    const has = v !== undefined && v !== null && v !== '';
    if (op === '-') return has ? v! : word ?? '';
    if (op === '+') return has ? word ?? '' : '';
    if (!has) unresolved = true;
    return v ?? '';
  };
  // After the last `}` no braced form can match, and VARIABLE's `[^}]*` would scan to the end from every `${A-` there
  // (quadratic): that tail is read for plain `$VAR`s only, which gives the same expansion.
  const tail = value.lastIndexOf('}') + 1;
  const expanded = value.slice(0, tail).replace(VARIABLE, (_m, braced: string | undefined, op: string | undefined, word: string | undefined, plain: string | undefined) => expand(braced ?? plain!, op, word))
    + value.slice(tail).replace(PLAIN_VARIABLE, (_m, name: string) => expand(name));
  return unresolved ? null : expanded;
}
