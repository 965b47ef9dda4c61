// The parsed Dockerfile that rules read: dockerfile-ast's tree, stages with their resolved base
// images, and RUN instructions as shell scripts whose offsets map back to the document.
import { DockerfileParser, type Dockerfile, type From, type Instruction, type Run, type Heredoc } from 'dockerfile-ast';
import { LineIndex } from './textDocument';
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
  private readonly shells = new Map<Instruction, RunShell | null>();
  private readonly stageByInstruction = new Map<Instruction, Stage>();
  private globalArgs: Map<string, string | null> | null = null;
  private readonly shellsByStage = new Map<Stage, Instruction[]>();

  constructor(readonly text: string) {
    this.index = new LineIndex(text);
    this.ast = DockerfileParser.parse(text);
    this.escapeChar = this.ast.getEscapeCharacter();
    this.instructions = this.ast.getInstructions();
    this.stages = this.buildStages();
  }

  get finalStage(): Stage | null {
    return this.stages.length ? this.stages[this.stages.length - 1] : null;
  }

  offsetAt(position: { line: number; character: number }): number {
    return this.index.offsetAt(position);
  }

  rangeOf(start: number, end: number): Range {
    return this.index.rangeOf(start, end);
  }

  stageOf(instruction: Instruction): Stage | null {
    return this.stageByInstruction.get(instruction) ?? null;
  }

  /** Follows `FROM <stage>` links down to the external image the stage ultimately builds on. */
  rootImage(stage: Stage): string | null {
    let current: Stage | null = stage;
    for (let guard = 0; current && guard < this.stages.length + 1; guard++) {
      if (!current.parent) return current.image;
      current = current.parent;
    }
    return null;
  }

  /**
   * Expands `$VAR`, `${VAR}`, `${VAR:-default}` with the values of ARG/ENV in effect at `line`.
   * Returns null when a variable has no known value.
   */
  expand(value: string, line: number): string | null {
    // dockerfile-ast recurses without end for a line after the last instruction: clamp it.
    const last = this.instructions.length ? this.instructions[this.instructions.length - 1].getRange().end.line : 0;
    const at = Math.max(0, Math.min(line, last));
    // A value may itself use variables (`ENV PORT=${APP_PORT}`): expand a few levels, as Docker would.
    const lookup = (name: string, depth: number): string | null | undefined => {
      const raw = this.ast.resolveVariable(name, at);
      if (raw === null || raw === undefined || !raw.includes('$') || depth >= 4) return raw;
      return substituteVariables(raw, (inner) => (inner === name ? undefined : lookup(inner, depth + 1)));
    };
    return substituteVariables(value, (name) => lookup(name, 0));
  }

  /** The shell script of a shell-form RUN, or null for exec form, non-POSIX shells or ONBUILD. */
  shellOf(instruction: Instruction): RunShell | null {
    if (this.shells.has(instruction)) return this.shells.get(instruction)!;
    const result = this.computeShell(instruction as Run);
    this.shells.set(instruction, result);
    return result;
  }

  /** Every parsed RUN of a stage with its commands, in order. */
  *runsOf(stage: Stage): Iterable<{ instruction: Instruction; shell: RunShell }> {
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() !== 'RUN') continue;
      const shell = this.shellOf(instruction);
      if (shell) yield { instruction, shell };
    }
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
    for (const instruction of this.instructions) {
      if (next < stages.length && instruction === (stages[next].from as Instruction)) {
        current = stages[next++];
        this.stageByInstruction.set(instruction, current);
        continue;
      }
      if (current) {
        current.instructions.push(instruction);
        this.stageByInstruction.set(instruction, current);
      }
    }
    return stages;
  }

  /** FROM only sees ARGs declared before the first FROM. */
  private expandGlobal(value: string): string | null {
    if (!this.globalArgs) {
      // Each default may use the ARGs declared before it: `ARG IMAGE=$REGISTRY/base`.
      const defaults = new Map<string, string | null>();
      for (const arg of this.ast.getInitialARGs()) {
        const property = arg.getProperty();
        if (!property) continue;
        const raw = property.getValue();
        defaults.set(property.getName(), raw === null ? null : substituteVariables(raw, (name) => defaults.get(name)));
      }
      this.globalArgs = defaults;
    }
    const defaults = this.globalArgs;
    return substituteVariables(value, (name) => defaults.get(name));
  }

  /** SHELL instructions of a stage, collected once (not once per RUN: files can have thousands of RUNs). */
  private shellInstructions(stage: Stage): Instruction[] {
    let list = this.shellsByStage.get(stage);
    if (!list) {
      list = stage.instructions.filter((i) => i.getKeyword() === 'SHELL');
      this.shellsByStage.set(stage, list);
    }
    return list;
  }

  private isPosixShell(instruction: Instruction): boolean {
    const stage = this.stageOf(instruction);
    if (!stage) return true;
    // The last SHELL before this RUN in the stage (or its parents) decides.
    const line = instruction.getRange().start.line;
    for (let s: Stage | null = stage; s; s = s.parent) {
      const shells = this.shellInstructions(s).filter((i) => s !== stage || i.getRange().start.line < line);
      const last = shells[shells.length - 1];
      if (last) {
        const program = (last as Run).getJSONStrings?.()[0]?.getJSONValue() ?? '';
        return /(^|\/)(ba|da|k|z|a)?sh$/.test(program);
      }
    }
    const image = this.rootImage(stage) ?? '';
    return !/(windows|servercore|nanoserver)/i.test(image);
  }

  private computeShell(run: Run): RunShell | null {
    if (run.getKeyword() !== 'RUN') return null;
    if (run.getOpeningBracket?.() && run.getClosingBracket?.() && run.getJSONStrings().length) return null; // exec form
    if (!this.isPosixShell(run)) return null;
    const start = this.offsetAt(run.getInstructionRange().end);
    const end = this.offsetAt(run.getRange().end);
    if (end <= start) return null;
    const chars = this.text.slice(start, end).split('');
    const blank = (from: number, to: number) => {
      for (let i = Math.max(from, start); i < Math.min(to, end); i++) {
        if (chars[i - start] !== '\n') chars[i - start] = ' ';
      }
    };
    for (const flag of run.getFlags()) blank(this.offsetAt(flag.getRange().start), this.offsetAt(flag.getRange().end));

    const heredocs: Heredoc[] = run.getHeredocs();
    const bodies = heredocs
      .map((h) => h.getContentRange())
      .filter((r): r is Range => r !== null)
      .map((r) => [this.offsetAt(r.start), this.offsetAt(r.end)] as const);
    const inBody = (offset: number) => bodies.some(([s, e]) => offset >= s && offset < e);
    this.blankContinuations(chars, start, inBody);

    // `RUN <<EOF ... EOF`: the body itself is the script, so the markers are hidden from the shell.
    const args = run.getArguments();
    if (heredocs.length && args.length && args[0].getValue().startsWith('<<')) {
      for (const h of heredocs) {
        blank(this.offsetAt(h.getStartRange().start), this.offsetAt(h.getStartRange().end));
        const delimiter = h.getDelimiterRange();
        if (delimiter) blank(this.offsetAt(delimiter.start), this.offsetAt(delimiter.end));
      }
    }
    const source = chars.join('');
    return { script: parseShell(source), offset: start, source };
  }

  /**
   * Docker removes `<escape><newline>` and, after it, empty and comment lines before the shell sees
   * the command. Replacing them with spaces (newlines included) keeps offsets identical.
   */
  private blankContinuations(chars: string[], base: number, inBody: (offset: number) => boolean): void {
    const esc = this.escapeChar;
    let i = 0;
    const n = chars.length;
    const wipeTo = (to: number) => { for (let k = i; k < to; k++) chars[k] = ' '; };
    while (i < n) {
      const c = chars[i];
      if (c === '\r' && !inBody(base + i)) { chars[i] = ' '; i++; continue; }
      if (c !== esc || inBody(base + i)) { i++; continue; }
      // an escaped escape character is not a continuation
      if (esc === '\\' && chars[i + 1] === '\\') { i += 2; continue; }
      let j = i + 1;
      while (j < n && (chars[j] === ' ' || chars[j] === '\t')) j++;
      if (j < n && chars[j] === '\r') j++;
      if (j >= n || chars[j] !== '\n') { i++; continue; }
      j++; // past the newline
      // Following empty or comment-only lines belong to the same instruction and vanish.
      for (;;) {
        let k = j;
        while (k < n && (chars[k] === ' ' || chars[k] === '\t')) k++;
        if (k < n && chars[k] === '#') {
          while (k < n && chars[k] !== '\n') k++;
          if (k < n) { j = k + 1; continue; }
          j = k;
          break;
        }
        if (k < n && (chars[k] === '\n' || chars[k] === '\r')) {
          if (chars[k] === '\r') k++;
          if (k < n && chars[k] === '\n') { j = k + 1; continue; }
        }
        break;
      }
      wipeTo(j);
      i = j;
    }
  }
}

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Expands `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` with `lookup`.
 * Returns null when a variable without a default has no known value.
 */
export function substituteVariables(value: string, lookup: (name: string) => string | null | undefined): string | null {
  if (!value.includes('$')) return value;
  let unresolved = false;
  const expanded = value.replace(VARIABLE, (_m, braced: string | undefined, op: string | undefined, word: string | undefined, plain: string | undefined) => {
    const v = lookup(braced ?? plain!);
    const has = v !== undefined && v !== null && v !== '';
    if (op === '-') return has ? v! : word ?? '';
    if (op === '+') return has ? word ?? '' : '';
    if (!has) unresolved = true;
    return v ?? '';
  });
  return unresolved ? null : expanded;
}
