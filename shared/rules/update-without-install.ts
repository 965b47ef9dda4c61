// 3.1.3 Inmutabilidad en dependencias: a RUN that only refreshes the package index becomes a cached
// layer of its own. Later RUNs that install are rebuilt on top of that old index, so the refresh and the
// install belong in the same RUN.
//
// Flagged: every index refresh (`apt-get update`, `apk update`, `yum`/`dnf makecache`, `zypper refresh`, in
// every stage, exec form included) unless a later command of the same RUN installs with the same family of
// package manager, or runs code we cannot see into (`bash setup.sh`, `curl ... | sh`, `./install`), which
// commonly installs on its own. `apk add --update` refreshes and installs at once and is not a refresh here.
//
// Fix (quickfix): move the refresh into the next RUN of the same stage that installs with that family,
// as `<refresh> && ` right before the installing command. It is offered only when the move is safe:
// - the refresh is a plain element of a top-level `&&` chain, or a statement of its own separated by `;`
//   (then a failed refresh, which `;` ignored, stops the build once joined with `&&`: that is the point);
//   inside `||`, pipelines, `if`, loops, `&` or newline-separated heredoc lines it stays where it is;
// - nothing between the two (later commands of its own RUN, RUNs in between, the target RUN before the
//   install) reads that index (`apt-cache`, another `apt-get` call, ...) or runs opaque code, every RUN in
//   between can be parsed, and no USER instruction changes who runs the install;
// - the install is itself a plain top-level statement, so `&&` joins only the two of them (when the target
//   RUN already refreshes before it, as after an earlier merge, ours is only removed);
// - the refresh's RUN flags (secrets, network, bind mounts) are also on the target RUN; cache mounts are
//   not needed there;
// - removing it keeps the user's comment lines, or (for an element between two others) one side can go
//   without touching any.
// The refresh leaves its RUN with one adjacent `&&` (or `;`) and the continuation between; when it was all
// the RUN did (besides `set -e` and the like) the whole instruction goes, line breaks included.
import type { Flag, Instruction, Run } from 'dockerfile-ast';
import type { DockerfileModel, RunShell, Stage } from '../dockerfile';
import type { Rule } from '../rule';
import type { ChainItem, ShellCommand } from '../shell/parser';
import {
  consumesIndex, isIndexRefresh, managerFamily, packageManagerCall, readsIndex, runsOpaqueCode,
  type PackageManagerCall,
} from '../shell/commands';
import type { LocalizedFix, TextEdit } from '../types';

// Builtins that do nothing on their own: a RUN left with only these is deleted as a whole.
const NO_OP = new Set(['set', 'true', ':']);
// What may follow a command in a plain statement: redirections only (`> /dev/null 2>&1`).
const REDIRECTIONS = /^(\s*\d*(?:>>|>\||&>>|&>|>&|<&|>|<)\s*[^\s|&;<>()]+)*\s*$/;

/** `item` is `command` alone, possibly with redirections: a `&&` next to it joins exactly that command. */
function isPlainItem(shell: RunShell, item: ChainItem, command: ShellCommand): boolean {
  if (item.start !== command.start) return false;
  return item.command === command || REDIRECTIONS.test(shell.source.slice(command.end, item.end));
}

function findItem(shell: RunShell, command: ShellCommand): { chain: number; index: number } | null {
  const chains = shell.script.chains;
  for (let c = 0; c < chains.length; c++) {
    const index = chains[c].findIndex((item) => isPlainItem(shell, item, command));
    if (index >= 0) return { chain: c, index };
  }
  return null;
}

function refreshName(call: PackageManagerCall): string {
  return `${call.tool} ${call.subcommand}`;
}

/** Exec form `RUN ["apt-get", "update"]` read as a command (offsets are meaningless there). */
function execFormCommand(run: Run): ShellCommand | null {
  if (!run.getOpeningBracket?.() || !run.getClosingBracket?.()) return null;
  const strings = run.getJSONStrings();
  if (!strings.length) return null;
  const words = strings.map((s) => ({ text: s.getValue(), value: s.getJSONValue(), start: 0, end: 0 }));
  return { name: words[0], args: words.slice(1), start: 0, end: 0 };
}

/** A later command of the same RUN installs with the same family, or may do so through opaque code. */
function installsLater(shell: RunShell, refresh: ShellCommand, call: PackageManagerCall): boolean {
  const family = managerFamily(call.manager);
  return shell.script.commands.some((c) => {
    if (c.start < refresh.end) return false;
    const other = packageManagerCall(c);
    if (other) return managerFamily(other.manager) === family && consumesIndex(other);
    return runsOpaqueCode(c);
  });
}

// ---------------------------------------------------------------------------------------------------
// Removal of the refresh from its RUN

/** Deletes whole lines from `startLine` to `endLine`, with one line break. */
function deleteLines(model: DockerfileModel, startLine: number, endLine: number): TextEdit {
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
    if (eol >= to) break; // the line that holds the next item (or the refresh)
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
 * `    && apt-get update \` or `    apt-get update && \`: the refresh fills its lines with one separator and
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

function removeRefresh(model: DockerfileModel, instruction: Instruction, shell: RunShell, refresh: ShellCommand): TextEdit[] | null {
  const script = shell.script;
  const found = findItem(shell, refresh);
  if (!found) return null;
  const item = script.chains[found.chain][found.index];

  // Nothing else (but `set -e` and the like): the instruction goes.
  const onlyRefresh = script.chains.every((chain) => chain.every((it) => it === item || it.command !== null))
    && script.commands.every((c) => c === refresh || (c.name.value !== null && NO_OP.has(c.name.value)));
  if (onlyRefresh) {
    const range = instruction.getRange();
    return [deleteLines(model, range.start.line, range.end.line)];
  }

  // Its neighbours: the other elements of its `&&` chain, or the statements around it when it is alone.
  const chain = script.chains[found.chain];
  let sequence: { start: number; end: number }[];
  let index: number;
  let separator: '&&' | ';';
  if (chain.length > 1) {
    sequence = chain;
    index = found.index;
    separator = '&&';
  } else {
    sequence = script.chains.map((c) => ({ start: c[0].start, end: c[c.length - 1].end }));
    index = found.chain;
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

// ---------------------------------------------------------------------------------------------------
// The RUN to merge into

interface Target {
  run: Run;
  shell: RunShell;
  /** Document offset where `<refresh> && ` goes, or null when the target refreshes before installing already. */
  insertAt: number | null;
}

function flagText(model: DockerfileModel, flag: Flag): string {
  return model.index.textIn(flag.getRange());
}

function isCacheMount(flag: Flag): boolean {
  return flag.getName().toLowerCase() === 'mount'
    && (flag.getValue() ?? '').split(',').some((o) => o.trim().toLowerCase() === 'type=cache');
}

function findTarget(model: DockerfileModel, stage: Stage, from: Instruction, call: PackageManagerCall): Target | null {
  const family = managerFamily(call.manager);
  const start = stage.instructions.indexOf(from);
  for (const instruction of stage.instructions.slice(start + 1)) {
    const keyword = instruction.getKeyword();
    if (keyword === 'USER') return null; // the install may run as someone else
    if (keyword !== 'RUN') continue;
    const shell = model.shellOf(instruction);
    if (!shell) return null; // exec form or another shell: cannot tell what it does
    let refreshed = false;
    for (const command of shell.script.commands) {
      const other = packageManagerCall(command);
      if (other && managerFamily(other.manager) === family && consumesIndex(other)) {
        if (refreshed) return { run: instruction as Run, shell, insertAt: null };
        if (!findItem(shell, command)) return null;
        return { run: instruction as Run, shell, insertAt: shell.offset + command.start };
      }
      // `apt-get update && apt-get install` already (a refresh merged before): ours is then redundant.
      if (other && managerFamily(other.manager) === family && isIndexRefresh(other) && findItem(shell, command)) {
        refreshed = true;
        continue;
      }
      if (readsIndex(command, call.manager) || runsOpaqueCode(command)) return null;
    }
  }
  return null;
}

/** The refresh's RUN flags must hold on the target too; a cache mount is not needed there. */
function flagsAllow(model: DockerfileModel, source: Run, target: Run): boolean {
  const targetFlags = target.getFlags();
  if (targetFlags.some((f) => f.getName().toLowerCase() === 'network' && f.getValue()?.toLowerCase() === 'none')) return false;
  const present = new Set(targetFlags.map((f) => flagText(model, f).replace(/\s+/g, '')));
  return source.getFlags().every((f) => isCacheMount(f) || present.has(flagText(model, f).replace(/\s+/g, '')));
}

function mergeFix(
  model: DockerfileModel, stage: Stage, instruction: Instruction, shell: RunShell, refresh: ShellCommand, call: PackageManagerCall,
): LocalizedFix[] {
  // Later commands of its own RUN that read the index would lose it.
  if (shell.script.commands.some((c) => c.start >= refresh.end && readsIndex(c, call.manager))) return [];
  const target = findTarget(model, stage, instruction, call);
  if (!target || !flagsAllow(model, instruction as Run, target.run)) return [];
  const removal = removeRefresh(model, instruction, shell, refresh);
  if (!removal) return [];
  const edits = [...removal];
  if (target.insertAt !== null) {
    const found = findItem(shell, refresh)!;
    const item = shell.script.chains[found.chain][found.index];
    const text = shell.source.slice(item.start, item.end).replace(/\s+/g, ' ').trim();
    edits.push({ range: model.rangeOf(target.insertAt, target.insertAt), newText: `${text} && ` });
  }
  const name = refreshName(call);
  return [{ title: { en: `Merge ${name} into install`, es: `Unir ${name} con la instalación` }, kind: 'quickfix', edits }];
}

export const updateWithoutInstall: Rule = {
  meta: {
    id: 'update-without-install',
    sections: ['3.1.3'],
    severity: 'warning',
    fixable: true,
    // hadolint DL3009 is about deleting the apt lists, a different check.
    equivalents: { trivy: ['DS-0017'], checkov: ['CKV_DOCKER_5'] },
    docs: {
      en: {
        title: 'Refresh the package index in the same RUN that installs',
        why: 'Docker caches every RUN as a layer. A RUN that only refreshes the package index is built once and then reused, so an install in a later RUN can run against a stale index: it may fail to find packages or install versions that are no longer current, and the result depends on when the cache was filled.',
        how: 'Chain the refresh and the install in one RUN, e.g. `apt-get update && apt-get install -y ...`, so both are rebuilt together whenever the package list changes.',
      },
      es: {
        title: 'Actualiza el índice de paquetes en el mismo RUN que instala',
        why: 'Docker guarda cada RUN como una capa en caché. Un RUN que solo refresca el índice de paquetes se construye una vez y luego se reutiliza, así que una instalación en un RUN posterior puede usar un índice antiguo: puede no encontrar paquetes o instalar versiones que ya no son las vigentes, y el resultado depende de cuándo se llenó la caché.',
        how: 'Encadena la actualización y la instalación en un único RUN, por ejemplo `apt-get update && apt-get install -y ...`, para que ambas se reconstruyan juntas cada vez que cambie la lista de paquetes.',
      },
    },
  },
  check({ model, report }) {
    for (const stage of model.stages) {
      for (const instruction of stage.instructions) {
        if (instruction.getKeyword() !== 'RUN') continue;
        const shell = model.shellOf(instruction);
        if (!shell) {
          const command = execFormCommand(instruction as Run);
          const call = command && packageManagerCall(command);
          if (!call || !isIndexRefresh(call)) continue;
          const run = instruction as Run;
          report({
            range: { start: run.getOpeningBracket()!.getRange().start, end: run.getClosingBracket()!.getRange().end },
            message: messageFor(call),
          });
          continue;
        }
        for (const command of shell.script.commands) {
          const call = packageManagerCall(command);
          if (!call || !isIndexRefresh(call) || installsLater(shell, command, call)) continue;
          report({
            range: model.commandRange(shell, command),
            message: messageFor(call),
            fixes: mergeFix(model, stage, instruction, shell, command, call),
          });
        }
      }
    }
  },
};

function messageFor(call: PackageManagerCall): { en: string; es: string } {
  const name = refreshName(call);
  return {
    en: `\`${name}\` runs in a RUN that installs nothing with it: that layer stays cached and later installs can use a stale index. Refresh and install in the same RUN.`,
    es: `\`${name}\` está en un RUN que no instala nada con él: esa capa queda en caché y las instalaciones posteriores pueden usar un índice desactualizado. Actualiza e instala en el mismo RUN.`,
  };
}
