// Ignore comments, read once here for the engine, the code actions and the unused-ignore rule.
//
//   # dockerfile-seguro ignore=rule-a,rule-b -- reason        the next instruction
//   # dockerfile-seguro ignore-stage=rule-a -- reason         from the next instruction to the end of its stage
//   # dockerfile-seguro ignore-file=rule-a -- reason          the whole file, wherever the comment is
//
// Rule ids must be written out (`all` is not accepted). hadolint's pragmas are honoured too, for teams
// coming from it: `# hadolint ignore=DL3008,DL3009` (next instruction) and `# hadolint global ignore=DL3008`
// (whole file) silence the rules that declare those codes in `meta.equivalents.hadolint`.
// Comment lines inside a multi-line instruction (Docker drops them) are not directives.
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel, Stage } from './dockerfile';
import { hadolintEquivalents } from './config';
import type { Range, TextEdit } from './types';

export type IgnoreScope = 'line' | 'stage' | 'file';
export type IgnoreSource = 'dockerfile-seguro' | 'hadolint';

/** One id (or hadolint code) of a directive, where it is written. */
export interface IgnoreEntry {
  /** As written: a rule id, or a hadolint code. */
  text: string;
  range: Range;
  /** The rules it silences: the id itself, or the rules declaring the hadolint code. */
  ruleIds: string[];
}

export interface IgnoreDirective {
  source: IgnoreSource;
  scope: IgnoreScope;
  /** 0-based line of the comment. */
  line: number;
  /** The comment on its line, from `#` to the end of the line. */
  range: Range;
  entries: IgnoreEntry[];
  /** Every rule it silences (union of the entries'). */
  ruleIds: string[];
  /** Text after ` -- `, or null. */
  reason: string | null;
  /** Lines covered, inclusive; fromLine > toLine when it covers nothing (no instruction follows). */
  fromLine: number;
  toLine: number;
}

const OURS = /^([ \t]*)#[ \t]*dockerfile-seguro[ \t]+(ignore|ignore-stage|ignore-file)[ \t]*=/;
const HADOLINT = /^[ \t]*#[ \t]*hadolint[ \t]+(global[ \t]+)?ignore[ \t]*=[ \t]*/;
const HADOLINT_CODES = /^[A-Za-z]+[0-9]+(?:[ \t]*,[ \t]*[A-Za-z]+[0-9]+)*/;
const SCOPES: Record<string, IgnoreScope> = { ignore: 'line', 'ignore-stage': 'stage', 'ignore-file': 'file' };
const WHOLE_FILE = Number.MAX_SAFE_INTEGER;

let hadolintIndex: Map<string, string[]> | null = null;

/** The rules that declare a hadolint code as an equivalent (several rules may share one code). */
export function hadolintRuleIds(code: string): string[] {
  hadolintIndex ??= hadolintEquivalents();
  return hadolintIndex.get(code.toUpperCase()) ?? [];
}

/** Splits `a, b ,c` (starting at `offset` of the line) into entries with their ranges. */
function splitIds(line: number, text: string, offset: number): { text: string; range: Range }[] {
  const out: { text: string; range: Range }[] = [];
  let start = 0;
  for (const piece of text.split(',')) {
    const lead = piece.length - piece.trimStart().length;
    const id = piece.trim();
    if (id) {
      const from = offset + start + lead;
      out.push({ text: id, range: { start: { line, character: from }, end: { line, character: from + id.length } } });
    }
    start += piece.length + 1;
  }
  return out;
}

function instructionAt(model: DockerfileModel, line: number): Instruction | undefined {
  return model.instructions.find((i) => i.getRange().start.line <= line && line <= i.getRange().end.line);
}

/** The last line of the stage `target` belongs to: the line before the next FROM, or the last line of the file. */
function stageEnd(model: DockerfileModel, target: Instruction): number {
  const targetLine = target.getRange().start.line;
  const stage = model.stageOf(target);
  // Before the first FROM (global ARGs): the preamble and the first stage.
  const start = stage ? stage.from.getRange().start.line : model.stages[0]?.from.getRange().start.line ?? targetLine;
  const next = firstStageAfter(model, Math.max(start, targetLine));
  return next ? next.from.getRange().start.line - 1 : model.index.lineCount - 1;
}

/** The first stage whose FROM starts after `line` (stages are in document order: binary search). */
function firstStageAfter(model: DockerfileModel, line: number): Stage | undefined {
  const stages = model.stages;
  let low = 0;
  let high = stages.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (stages[mid].from.getRange().start.line <= line) low = mid + 1;
    else high = mid;
  }
  return stages[low];
}

// BuildKit's parser directives: only at the very top, before any comment, blank line or instruction.
const PARSER_DIRECTIVE = /^[ \t]*#[ \t]*(syntax|escape|check)[ \t]*=[ \t]*\S/i;

/** Number of leading lines that are parser directives (`# syntax=`, `# escape=`, `# check=`). */
export function parserDirectiveLines(model: DockerfileModel): number {
  let n = 0;
  while (n < model.index.lineCount && PARSER_DIRECTIVE.test(model.index.lineText(n))) n++;
  return n;
}

export function parseIgnoreDirectives(model: DockerfileModel): IgnoreDirective[] {
  const directives: IgnoreDirective[] = [];
  const instructions = model.instructions;
  let next = 0;
  // Comment lines are found here rather than with dockerfile-ast, which reads `# a b=c` at the top of a
  // file as a parser directive.
  for (let line = parserDirectiveLines(model); line < model.index.lineCount; line++) {
    while (next < instructions.length && instructions[next].getRange().start.line <= line) next++;
    const previous = instructions[next - 1];
    if (previous && previous.getRange().end.line >= line) continue; // an instruction, its continuation or heredoc
    if (!/^[ \t]*#/.test(model.index.lineText(line))) continue;
    const text = model.index.lineText(line);
    const hash = text.indexOf('#');
    const range: Range = { start: { line, character: hash }, end: { line, character: text.length } };
    const target: Instruction | undefined = instructions[next];

    const ours = OURS.exec(text);
    const hadolint = ours ? null : HADOLINT.exec(text);
    if (!ours && !hadolint) continue;

    let scope: IgnoreScope;
    let entries: IgnoreEntry[];
    let reason: string | null = null;
    let source: IgnoreSource;
    if (ours) {
      source = 'dockerfile-seguro';
      scope = SCOPES[ours[2]];
      const rest = text.slice(ours[0].length);
      const dashes = rest.indexOf('--');
      const ids = dashes >= 0 ? rest.slice(0, dashes) : rest;
      if (dashes >= 0) reason = rest.slice(dashes + 2).trim() || null;
      entries = splitIds(line, ids, ours[0].length).map((e) => ({ ...e, ruleIds: [e.text] }));
    } else {
      source = 'hadolint';
      scope = hadolint![1] ? 'file' : 'line';
      const codes = HADOLINT_CODES.exec(text.slice(hadolint![0].length))?.[0] ?? '';
      entries = splitIds(line, codes, hadolint![0].length).map((e) => ({ ...e, ruleIds: hadolintRuleIds(e.text) }));
    }

    let fromLine = 0;
    let toLine = WHOLE_FILE;
    if (scope !== 'file') {
      if (target) {
        fromLine = target.getRange().start.line;
        toLine = scope === 'line' ? target.getRange().end.line : stageEnd(model, target);
      } else {
        fromLine = line + 1;
        toLine = line; // nothing follows: covers nothing
      }
    }
    directives.push({
      source, scope, line, range, entries, reason, fromLine, toLine,
      ruleIds: [...new Set(entries.flatMap((e) => e.ruleIds))],
    });
  }
  return directives;
}

// ---- edits for the "disable" code actions -----------------------------------------------------------

/** Our directive of `scope` in the block of comment lines right above `line`, if any. */
function directiveAbove(model: DockerfileModel, directives: IgnoreDirective[], line: number, scope: IgnoreScope): IgnoreDirective | undefined {
  for (let l = line - 1; l >= 0; l--) {
    if (!/^\s*#/.test(model.index.lineText(l))) return undefined;
    const found = directives.find((d) => d.line === l && d.source === 'dockerfile-seguro' && d.scope === scope);
    if (found) return found;
  }
  return undefined;
}

/** Adds `ruleId` to an existing directive (after its last id), keeping the reason. */
function extendEdit(model: DockerfileModel, directive: IgnoreDirective, ruleId: string): TextEdit {
  const last = directive.entries[directive.entries.length - 1];
  if (last) return { range: { start: last.range.end, end: last.range.end }, newText: `,${ruleId}` };
  const text = model.index.lineText(directive.line);
  const at = text.indexOf('=', directive.range.start.character) + 1;
  const position = { line: directive.line, character: at };
  return { range: { start: position, end: position }, newText: ruleId };
}

function insertAbove(model: DockerfileModel, line: number, comment: string): TextEdit {
  const indent = /^[ \t]*/.exec(model.index.lineText(line))![0];
  const position = { line, character: 0 };
  return { range: { start: position, end: position }, newText: `${indent}${comment}${model.index.eol}` };
}

/** Edit that silences `ruleId` on the instruction containing `line`: extends an ignore comment right above it, or adds one. */
export function ignoreForLineEdit(model: DockerfileModel, line: number, ruleId: string): TextEdit {
  const instruction = instructionAt(model, line);
  const targetLine = instruction ? instruction.getRange().start.line : line;
  const existing = directiveAbove(model, parseIgnoreDirectives(model), targetLine, 'line');
  if (existing && existing.fromLine === targetLine) return extendEdit(model, existing, ruleId);
  return insertAbove(model, targetLine, `# dockerfile-seguro ignore=${ruleId}`);
}

/**
 * Edit that silences `ruleId` in the stage that holds `line` (an `ignore-stage` comment above its FROM),
 * or null when the line is before the first FROM.
 */
export function ignoreForStageEdit(model: DockerfileModel, line: number, ruleId: string): TextEdit | null {
  const stage = [...model.stages].reverse().find((s) => s.from.getRange().start.line <= line);
  if (!stage) return null;
  const fromLine = stage.from.getRange().start.line;
  const existing = directiveAbove(model, parseIgnoreDirectives(model), fromLine, 'stage');
  if (existing && existing.fromLine === fromLine) return extendEdit(model, existing, ruleId);
  return insertAbove(model, fromLine, `# dockerfile-seguro ignore-stage=${ruleId}`);
}

/** Edit that silences `ruleId` in the whole file: extends the first `ignore-file` comment, or adds one after the parser directives. */
export function ignoreForFileEdit(model: DockerfileModel, ruleId: string): TextEdit {
  const existing = parseIgnoreDirectives(model).find((d) => d.source === 'dockerfile-seguro' && d.scope === 'file');
  if (existing) return extendEdit(model, existing, ruleId);
  const line = parserDirectiveLines(model);
  const comment = `# dockerfile-seguro ignore-file=${ruleId}`;
  const eol = model.index.eol;
  if (line >= model.index.lineCount) {
    const end = model.index.positionAt(model.text.length);
    return { range: { start: end, end }, newText: `${eol}${comment}${eol}` };
  }
  const position = { line, character: 0 };
  return { range: { start: position, end: position }, newText: `${comment}${eol}` };
}
