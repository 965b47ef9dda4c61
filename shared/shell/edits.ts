// Text edits of RUN scripts that several rules share: taking commands out of a top-level `&&` chain (or
// the whole RUN when nothing else is left), inserting words after a word, and appending a new element to
// a chain in the user's own continuation style. Offsets of a RunShell are relative to `shell.offset`.
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel, RunShell } from '../dockerfile';
import type { TextEdit } from '../types';
import type { ChainItem, ShellCommand, ShellWord } from './parser';

// Builtins that do nothing on their own: a RUN left with only these is deleted as a whole.
const NO_OP = new Set(['set', 'true', ':']);
// What may follow a command in a plain statement: redirections only (`> /dev/null 2>&1`). The target is taken
// whole (lookahead + backreference: an atomic group), so the next redirection's fd digits cannot be split off
// it; otherwise `>a1>a1>a1…(` backtracks exponentially.
const REDIRECTIONS = /^(?:\s*\d*(?:>>|>\||&>>|&>|>&|<&|>|<)\s*(?=([^\s|&;<>()]+))\1)*\s*$/;

/** `item` is `command` alone, possibly with redirections: a `&&` next to it joins exactly that command. */
export function isPlainItem(shell: RunShell, item: ChainItem, command: ShellCommand): boolean {
  if (item.start !== command.start) return false;
  return item.command === command || REDIRECTIONS.test(shell.source.slice(command.end, item.end));
}

/** Where `command` sits as a plain element of a top-level `&&` chain, or null. */
export function findItem(shell: RunShell, command: ShellCommand): { chain: number; index: number } | null {
  const chains = shell.script.chains;
  for (let c = 0; c < chains.length; c++) {
    const index = chains[c].findIndex((item) => isPlainItem(shell, item, command));
    if (index >= 0) return { chain: c, index };
  }
  return null;
}

/** The index of the top-level statement (chain) whose text holds `command`, nested commands included. */
export function statementOf(shell: RunShell, command: ShellCommand): number {
  return shell.script.chains.findIndex((chain) => chain.length > 0
    && chain[0].start <= command.start && command.end <= chain[chain.length - 1].end);
}

/** Deletes whole lines from `startLine` to `endLine`, with one line break. */
export function deleteLines(model: DockerfileModel, startLine: number, endLine: number): TextEdit {
  const index = model.index;
  let start = index.lineStarts[startLine];
  let end: number;
  if (endLine + 1 < index.lineCount) {
    end = index.lineStarts[endLine + 1];
  } else {
    end = model.text.length;
    if (startLine > 0) start = index.lineEnd(startLine - 1); // no line after: take the one before
  }
  return { range: model.rangeOf(start, end), newText: '' };
}

interface Gap {
  /** Document offset of the first `<escape><newline>` in the gap, or -1. */
  escape: number;
  /** Just past that newline. */
  afterNewline: number;
  /** End of the text of the last comment line (before its line break), or -1 when there is none. */
  lastCommentEnd: number;
  /** The kept part (from afterNewline to lastCommentEnd) holds only blank and comment lines. */
  keepable: boolean;
}

function analyseGap(model: DockerfileModel, from: number, to: number): Gap {
  const text = model.text;
  const esc = model.escapeChar;
  const gap: Gap = { escape: -1, afterNewline: -1, lastCommentEnd: -1, keepable: true };
  for (let i = from; i < to; i++) {
    if (text[i] !== esc) continue;
    let j = i + 1;
    while (j < to && (text[j] === ' ' || text[j] === '\t')) j++;
    if (text[j] === '\r') j++;
    if (text[j] === '\n') { gap.escape = i; gap.afterNewline = j + 1; break; }
  }
  if (gap.escape < 0) return gap;
  // Walk the following full lines: comments are kept, blank lines are harmless, anything else is not.
  let line = gap.afterNewline;
  while (line < to) {
    let eol = line;
    while (eol < text.length && text[eol] !== '\n' && text[eol] !== '\r') eol++;
    if (eol >= to) break; // the line that holds the next item (or the removed one)
    const content = text.slice(line, eol).trim();
    if (content.startsWith('#')) gap.lastCommentEnd = eol;
    else if (content !== '') gap.keepable = false;
    line = eol + (text[eol] === '\r' && text[eol + 1] === '\n' ? 2 : 1);
  }
  return gap;
}

function hasCommentLines(model: DockerfileModel, from: number, to: number): boolean {
  return /\n[ \t]*#/.test(model.text.slice(from, to));
}

/**
 * `    && apt-get update \` or `    apt-get update && \`: the element fills its lines with one separator and
 * the continuation, so deleting those lines leaves every other line (comments included) untouched.
 */
function ownLines(model: DockerfileModel, start: number, end: number, separator: string, hasPrev: boolean, hasNext: boolean): TextEdit | null {
  if (!hasNext) return null; // the last element has no continuation of its own to take away
  const index = model.index;
  const first = index.positionAt(start).line;
  const last = index.positionAt(end).line;
  const lead = model.text.slice(index.lineStarts[first], start);
  const tail = model.text.slice(end, index.lineEnd(last));
  const sep = separator === '&&' ? '&&' : ';';
  const esc = model.escapeChar.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  const sepBefore = new RegExp(`^[ \\t]*${sep}[ \\t]*$`).test(lead);
  if (!sepBefore && !/^[ \t]*$/.test(lead)) return null;
  const sepAfter = new RegExp(`^[ \\t]*${sep}[ \\t]*${esc}[ \\t]*$`).test(tail);
  if (!sepAfter && !new RegExp(`^[ \\t]*${esc}[ \\t]*$`).test(tail)) return null;
  if (sepBefore === sepAfter || (sepBefore && !hasPrev)) return null; // exactly one separator goes
  return deleteLines(model, first, last);
}

/**
 * Removes `commands` from their RUN: they must be consecutive plain elements of one top-level `&&` chain
 * (or that whole chain, which is then removed as a statement between `;`), unless they are all the RUN does. The group leaves the RUN with
 * one adjacent `&&` (or `;`) and the continuation between; when it was all the RUN did (besides `set -e`
 * and the like) the whole instruction goes, line breaks included. Comment lines inside continuations are
 * kept. Returns null when no removal is clearly safe (`||`, pipelines, `if`, `&`, newline-separated
 * heredoc lines, comments on both sides...).
 */
export function removeCommands(model: DockerfileModel, instruction: Instruction, shell: RunShell, commands: readonly ShellCommand[]): TextEdit[] | null {
  const script = shell.script;
  if (!commands.length) return null;
  const places = commands.map((c) => findItem(shell, c));
  if (places.some((p) => p === null)) return null;
  const found = places as { chain: number; index: number }[];
  const members = found.map((p) => script.chains[p.chain][p.index]);

  // Nothing else (but `set -e` and the like): the instruction goes.
  const onlyThese = script.chains.every((ch) => ch.every((it) => members.includes(it) || it.command !== null))
    && script.commands.every((c) => commands.includes(c) || (c.name.value !== null && NO_OP.has(c.name.value)));
  if (onlyThese) {
    const range = instruction.getRange();
    return [deleteLines(model, range.start.line, range.end.line)];
  }

  const chainIndex = found[0].chain;
  if (found.some((p) => p.chain !== chainIndex)) return null;
  const indices = found.map((p) => p.index).sort((a, b) => a - b);
  if (indices.some((i, k) => k > 0 && i !== indices[k - 1] + 1)) return null; // not one contiguous group
  const chain = script.chains[chainIndex];
  const first = indices[0];
  const last = indices[indices.length - 1];
  const item = { start: chain[first].start, end: chain[last].end };

  // Its neighbours: the other elements of its `&&` chain, or the statements around it when it is all of it.
  let sequence: { start: number; end: number }[];
  let index: number;
  let separator: '&&' | ';';
  if (members.length < chain.length) {
    sequence = [...chain.slice(0, first), item, ...chain.slice(last + 1)];
    index = first;
    separator = '&&';
  } else {
    sequence = script.chains.map((c) => ({ start: c[0].start, end: c[c.length - 1].end }));
    index = chainIndex;
    separator = ';';
  }
  const separatorGap = separator === '&&' ? /^\s*&&\s*$/ : /^\s*;\s*$/;
  const prev = index > 0 ? sequence[index - 1] : null;
  const next = index + 1 < sequence.length ? sequence[index + 1] : null;
  if (prev && !separatorGap.test(shell.source.slice(prev.end, item.start))) return null;
  if (next && !separatorGap.test(shell.source.slice(item.end, next.start))) return null;

  const o = shell.offset;
  const del = (start: number, end: number): TextEdit => ({ range: model.rangeOf(start, end), newText: '' });
  const own = ownLines(model, o + item.start, o + item.end, separator, prev !== null, next !== null);
  if (own) return [own];
  const after = next ? [o + item.start, o + next.start] as const : null;
  const before = prev ? [o + prev.end, o + item.end] as const : null;
  // First element: it goes with the separator after it; otherwise with the one before it, which holds
  // comment lines that described it, unless that would delete comments and the other side would not.
  const candidates = !prev ? [after] : !next ? [before] : [before, after];
  for (const span of candidates) {
    if (span && !hasCommentLines(model, span[0], span[1])) return [del(span[0], span[1])];
  }
  const separatorAt = (from: number, to: number) => o + from + shell.source.slice(from, to).indexOf(separator);

  if (!prev && next) {
    // `RUN apt-get update \ / # comment / && next`: keep the continuation and the comments,
    // giving `RUN \ / # comment / next`.
    const gap = analyseGap(model, o + item.end, o + next.start);
    if (gap.escape < 0 || !gap.keepable || gap.lastCommentEnd < 0) return null;
    const sep = separatorAt(item.end, next.start);
    if (sep > gap.escape && sep < gap.lastCommentEnd) return null;
    const lineStart = model.index.lineStarts[model.index.positionAt(o + item.start).line];
    const edits: TextEdit[] = [];
    if (model.text.slice(lineStart, o + item.start).trim() === '') {
      edits.push(del(lineStart, gap.afterNewline)); // its line would be left with only the escape
    } else {
      edits.push(del(o + item.start, gap.escape));
    }
    if (sep > gap.escape) edits.push(del(sep, o + next.start));
    return edits;
  }
  if (prev && !next) {
    // Last element: the RUN now ends with the previous element and the comments become ordinary
    // comment lines after it.
    if (shell.source.slice(item.end).trim() !== '') return null;
    const gap = analyseGap(model, o + prev.end, o + item.start);
    if (gap.escape < 0 || !gap.keepable || gap.lastCommentEnd < 0) return null;
    const sep = separatorAt(prev.end, item.start);
    if (sep > gap.escape && sep < gap.lastCommentEnd) return null;
    let escapeEnd = gap.escape + 1;
    while (model.text[escapeEnd] === ' ' || model.text[escapeEnd] === '\t') escapeEnd++;
    return [del(o + prev.end, escapeEnd), del(gap.lastCommentEnd, o + item.end)];
  }
  return null;
}

/** Inserts `text` right after `word` (e.g. ` -y` after `install`). */
export function insertAfterWord(model: DockerfileModel, shell: RunShell, word: ShellWord, text: string): TextEdit {
  const at = model.index.positionAt(shell.offset + word.end);
  return { range: { start: at, end: at }, newText: text };
}

/** True when `offset` (document) lies in the body of one of the instruction's heredocs. */
function inHeredocBody(model: DockerfileModel, instruction: Instruction, offset: number): boolean {
  const run = instruction as Instruction & { getHeredocs?: () => Array<{ getContentRange(): { start: { line: number; character: number }; end: { line: number; character: number } } | null }> };
  for (const heredoc of run.getHeredocs?.() ?? []) {
    const range = heredoc.getContentRange();
    if (range && offset >= model.offsetAt(range.start) && offset <= model.offsetAt(range.end)) return true;
  }
  return false;
}

/**
 * Appends `command` (e.g. `rm -rf /var/lib/apt/lists/*`) as a new `&&` element at the end of the top-level
 * statement `chainIndex`. When that statement spans several lines joined by continuations, the new
 * element goes on a line of its own, indented like the statement's last line and with `&&` where the user
 * puts it (at the start of the line or before the escape). Null when the statement ends in a way `&&`
 * cannot safely follow (a backgrounded `&`, a trailing comment, a heredoc feeding the last command).
 */
export function appendToChain(model: DockerfileModel, instruction: Instruction, shell: RunShell, chainIndex: number, command: string): TextEdit | null {
  const chain = shell.script.chains[chainIndex];
  if (!chain || !chain.length) return null;
  const lastItem = chain[chain.length - 1];
  const o = shell.offset;
  // After the statement: only blanks up to a `;`, a newline or the end of the script.
  const rest = shell.source.slice(lastItem.end);
  const following = rest.replace(/^[ \t]+/, '');
  if (following !== '' && !/^(;(?!;)|\n|\r)/.test(following)) return null;
  const source = shell.source.slice(chain[0].start, lastItem.end);
  if (source.includes('<<')) return null; // a heredoc operator: its body follows the line
  const end = o + lastItem.end;
  const at = model.index.positionAt(end);
  const insert = (newText: string): TextEdit => ({ range: { start: at, end: at }, newText });

  const esc = model.escapeChar;
  const startLine = model.index.positionAt(o + chain[0].start).line;
  if (startLine === at.line || inHeredocBody(model, instruction, end)) return insert(` && ${command}`);

  // The style of the last line break between two elements of this chain.
  let leading: boolean | null = null;
  for (let k = chain.length - 1; k > 0 && leading === null; k--) {
    const gap = model.text.slice(o + chain[k - 1].end, o + chain[k].start);
    const escapeAt = gap.indexOf(esc);
    const amp = gap.indexOf('&&');
    if (escapeAt < 0 || amp < 0 || !/\r?\n/.test(gap.slice(escapeAt))) continue;
    leading = amp > escapeAt;
  }
  // Indentation of the continuation line where the last element starts (or, when it starts on the RUN's
  // own line, of the statement's last line).
  const itemLine = model.index.positionAt(o + lastItem.start).line;
  const lineText = model.index.lineText(itemLine > startLine ? itemLine : at.line);
  const indent = /^[ \t]*/.exec(lineText)![0];
  // No line break between elements (e.g. one long command over several lines): follow that line.
  if (leading === null) leading = /^[ \t]*&&/.test(lineText);
  const eol = model.index.eol;
  return leading
    ? insert(` ${esc}${eol}${indent}&& ${command}`)
    : insert(` && ${esc}${eol}${indent}${command}`);
}
