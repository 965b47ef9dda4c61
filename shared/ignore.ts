// Inline suppressions: `# dockerfile-seguro ignore=rule-a,rule-b -- reason` silences those rules on
// the next instruction.
import type { DockerfileModel } from './dockerfile';
import type { TextEdit } from './types';

const IGNORE_COMMENT = /^#\s*dockerfile-seguro\s+ignore=([A-Za-z0-9_,\s-]*?)\s*(?:--\s*(.*))?$/;

export interface IgnoreDirective {
  /** 0-based line of the comment. */
  line: number;
  ruleIds: string[];
  /** Lines covered: the instruction right after the comment. */
  fromLine: number;
  toLine: number;
}

export function parseIgnoreDirectives(model: DockerfileModel): IgnoreDirective[] {
  const directives: IgnoreDirective[] = [];
  const instructions = model.instructions;
  let next = 0;
  for (const comment of model.ast.getComments()) {
    const line = comment.getRange().start.line;
    const text = model.index.lineText(line).trim();
    const match = IGNORE_COMMENT.exec(text);
    if (!match) continue;
    while (next < instructions.length && instructions[next].getRange().start.line <= line) next++;
    const target = instructions[next];
    if (!target) continue;
    directives.push({
      line,
      ruleIds: match[1].split(',').map((s) => s.trim()).filter(Boolean),
      fromLine: target.getRange().start.line,
      toLine: target.getRange().end.line,
    });
  }
  return directives;
}

/** Edit that silences `ruleId` on the instruction containing `line`: extends an ignore comment right above it, or adds one. */
export function ignoreForLineEdit(model: DockerfileModel, line: number, ruleId: string): TextEdit {
  const instruction = model.instructions.find((i) => i.getRange().start.line <= line && line <= i.getRange().end.line);
  const targetLine = instruction ? instruction.getRange().start.line : line;
  const existing = parseIgnoreDirectives(model).find((d) => d.fromLine === targetLine && d.line === targetLine - 1);
  if (existing) {
    const text = model.index.lineText(existing.line);
    const match = /ignore=([A-Za-z0-9_,\s-]*?)(\s*(?:--.*)?)$/.exec(text)!;
    const idsStart = match.index + 'ignore='.length;
    const idsEnd = idsStart + match[1].length;
    return {
      range: { start: { line: existing.line, character: idsStart }, end: { line: existing.line, character: idsEnd } },
      newText: [...existing.ruleIds, ruleId].join(','),
    };
  }
  const indent = /^[ \t]*/.exec(model.index.lineText(targetLine))![0];
  return {
    range: { start: { line: targetLine, character: 0 }, end: { line: targetLine, character: 0 } },
    newText: `${indent}# dockerfile-seguro ignore=${ruleId}${model.index.eol}`,
  };
}
