// 3.1.2 Privilegios / 2.1.3 El poder de root: the container should not run as root. Only the final stage
// matters (it is the image that runs); build stages may use root freely.
import type { Flag, Instruction, JSONInstruction } from 'dockerfile-ast';
import { substituteVariables, type DockerfileModel, type Stage } from '../dockerfile';
import { imageFamily, imageRefWithoutVariables, runsAsNonRoot, shippedNonRootUser, type ImageFamily, type ImageRef } from '../images';
import type { Rule } from '../rule';
import { basename, cutLastLineFrom, unwrapCommand } from '../shell/commands';
import type { ShellCommand, ShellWord } from '../shell/parser';
import type { Localized, Position, Range, TextEdit } from '../types';
import { memoByObject, memoByPair } from '../memo';

// ---------------------------------------------------------------------------------------------------
// Who a USER value designates

export type UserKind = 'root' | 'non-root' | 'unknown';

/** Removes one level of matching surrounding quotes. */
function unquote(text: string): string {
  return text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0] ? text.slice(1, -1) : text;
}

/**
 * Classifies a resolved USER value (`user[:group]`). On Linux Docker looks names up in /etc/passwd
 * as written (so `ROOT` is not root) and takes a number as a uid (`0`, `00`). Windows account names
 * are case-insensitive and its administrator is `ContainerAdministrator`.
 */
export function classifyUser(value: string, windows = false): UserKind {
  const v = value.trim();
  if (!v) return 'unknown';
  if (windows) return v.toLowerCase() === 'containeradministrator' ? 'root' : 'non-root';
  const user = v.split(':')[0];
  if (!user) return 'unknown';
  return user === 'root' || /^0+$/.test(user) ? 'root' : 'non-root';
}

function userArgumentRange(instruction: Instruction): Range {
  return instruction.getArgumentsRange() ?? instruction.getInstructionRange();
}

/** The value a USER instruction sets, after quote removal and ARG/ENV expansion; null when unknown. */
function userValue(model: DockerfileModel, instruction: Instruction): string | null {
  const raw = model.index.textIn(userArgumentRange(instruction)).trim();
  if (!raw) return null;
  if (raw.startsWith("'") && raw.endsWith("'")) return unquote(raw); // no expansion in single quotes
  return model.expand(unquote(raw), instruction.getRange().start.line);
}

// ---------------------------------------------------------------------------------------------------
// Stages and base images

/** The stage followed by the stages it builds on, nearest first. */
function chainOf(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s && !chain.includes(s); s = s.parent) chain.push(s);
  return chain;
}

/**
 * The external image a stage ultimately builds on. ARG defaults may refer to earlier ARGs
 * (`ARG BASE=$REGISTRY/base`), which Docker expands in order, so expansion is repeated. When an ARG has
 * no default, the fixed parts still say something (`node:${V}-alpine` is a Node Alpine image), so the
 * remaining variables are dropped. Once per model and stage: this rule, no-sudo (for each RUN with sudo) and
 * healthcheck ask for the same stages again and again (callers only read the reference).
 */
export const baseImageOf: (model: DockerfileModel, stage: Stage) => ImageRef | null = memoByPair(computeBaseImage);

function computeBaseImage(model: DockerfileModel, stage: Stage): ImageRef | null {
  const chain = chainOf(stage);
  let text = model.rootImage(stage) ?? chain[chain.length - 1].from.getImage();
  if (!text) return null;
  if (text.includes('$')) {
    const defaults = new Map<string, string | null>();
    for (const arg of model.ast.getInitialARGs()) {
      const property = arg.getProperty();
      if (property) defaults.set(property.getName(), property.getValue());
    }
    for (let round = 0; round < 8 && text.includes('$'); round++) {
      const next: string | null = substituteVariables(text, (name) => defaults.get(name));
      if (next === null || next === text) break;
      text = next;
    }
  }
  return imageRefWithoutVariables(text);
}

/**
 * The family of the stage's base image. When the image says nothing, a backtick escape directive or a
 * PowerShell/cmd SHELL in the stages marks a Windows build.
 */
export const familyOf: (model: DockerfileModel, stage: Stage) => ImageFamily = memoByPair(computeFamily);

function computeFamily(model: DockerfileModel, stage: Stage): ImageFamily {
  const family = imageFamily(baseImageOf(model, stage));
  if (family !== 'unknown') return family;
  if (model.escapeChar === '`') return 'windows';
  const windowsShell = chainOf(stage).some((s) => s.instructions.some((i) => i.getKeyword() === 'SHELL'
    && /\b(powershell|pwsh|cmd)(\.exe)?\b/i.test(i.getArgumentsContent() ?? '')));
  return windowsShell ? 'windows' : 'unknown';
}

/** The USER instructions of a stage (once per stage: files with thousands of RUNs ask for every sudo). */
export const usersOf: (stage: Stage) => Instruction[] = memoByObject((stage: Stage) => stage.instructions.filter((i) => i.getKeyword() === 'USER'));

export interface EffectiveUser {
  kind: UserKind;
  /** The USER instruction that decides, or null when the base image does. */
  instruction: Instruction | null;
  /** Its resolved value (null when from the image or unresolvable). */
  value: string | null;
}

/** Who the stage runs as: its last USER, else the last USER of the stages it builds on, else its base image. */
export function effectiveUser(model: DockerfileModel, stage: Stage): EffectiveUser {
  const image = baseImageOf(model, stage);
  const windows = familyOf(model, stage) === 'windows';
  for (const s of chainOf(stage)) {
    const users = usersOf(s);
    const last = users[users.length - 1];
    if (!last) continue;
    const value = userValue(model, last);
    return { kind: value === null ? 'unknown' : classifyUser(value, windows), instruction: last, value };
  }
  return { kind: runsAsNonRoot(image) ? 'non-root' : 'root', instruction: null, value: null };
}

// ---------------------------------------------------------------------------------------------------
// Accounts created by RUN commands (useradd, adduser, groupadd, addgroup)

export interface Account {
  kind: 'user' | 'group';
  /** Resolved name. */
  name: string;
  /** How it was written, without quotes (`app`, `$USERNAME`). */
  written: string;
  /** Line of the RUN instruction. */
  line: number;
  /**
   * `create`; `mention` for membership changes (`adduser user group`) and root accounts, which only
   * reserve the name; `delete` for userdel/deluser/groupdel/delgroup.
   */
  action: 'create' | 'mention' | 'delete';
}

interface ToolSyntax {
  /** Short options taking a value. */
  short: string;
  /** Long options taking a value (the `--opt=value` form needs no listing). */
  long: ReadonlySet<string>;
}

// shadow-utils useradd/groupadd, Debian adduser/addgroup and BusyBox adduser/addgroup.
// (A Map: the name of every command of the file is looked up, and a lookup in an object first interns it.)
const SYNTAX = new Map<string, ToolSyntax>(Object.entries({
  useradd: {
    short: 'bcdefgGkKpRPsuZ',
    long: new Set(['--base-dir', '--comment', '--home-dir', '--home', '--expiredate', '--inactive', '--gid', '--groups',
      '--skel', '--key', '--password', '--root', '--prefix', '--shell', '--uid', '--selinux-user', '--selinux-range']),
  },
  groupadd: { short: 'gKpRPU', long: new Set(['--gid', '--key', '--password', '--root', '--prefix', '--users']) },
  adduser: {
    short: 'hgsGuk',
    long: new Set(['--home', '--shell', '--uid', '--firstuid', '--lastuid', '--gecos', '--comment', '--ingroup', '--gid',
      '--conf', '--firstgid', '--lastgid', '--key', '--extrausers-file']),
  },
  addgroup: { short: 'g', long: new Set(['--gid', '--conf', '--firstgid', '--lastgid', '--key']) },
  userdel: { short: 'RP', long: new Set(['--root', '--prefix']) },
  groupdel: { short: 'RP', long: new Set(['--root', '--prefix']) },
  deluser: { short: '', long: new Set(['--conf', '--backup-to']) },
  delgroup: { short: '', long: new Set(['--conf']) },
}));

interface ParsedOptions {
  flags: Set<string>;
  /** Option name → its value word. */
  values: Map<string, ShellWord | string>;
  positionals: ShellWord[];
}

function parseOptions(args: ShellWord[], from: number, syntax: ToolSyntax): ParsedOptions {
  const flags = new Set<string>();
  const values = new Map<string, ShellWord | string>();
  const positionals: ShellWord[] = [];
  let options = true;
  for (let i = from; i < args.length; i++) {
    const word = args[i];
    const v = word.value ?? word.text;
    if (options && v === '--') { options = false; continue; }
    if (options && v.startsWith('--')) {
      const eq = v.indexOf('=');
      if (eq >= 0) { values.set(v.slice(0, eq), v.slice(eq + 1)); continue; }
      if (syntax.long.has(v) && i + 1 < args.length) { values.set(v, args[++i]); continue; }
      flags.add(v);
      continue;
    }
    if (options && v.startsWith('-') && v.length > 1) {
      for (let k = 1; k < v.length; k++) {
        const c = v[k];
        if (!syntax.short.includes(c)) { flags.add(`-${c}`); continue; }
        if (k + 1 < v.length) values.set(`-${c}`, v.slice(k + 1));
        else if (i + 1 < args.length) values.set(`-${c}`, args[++i]);
        break;
      }
      continue;
    }
    positionals.push(word);
  }
  return { flags, values, positionals };
}

function wordName(model: DockerfileModel, word: ShellWord, line: number): { name: string; written: string } | null {
  if (word.value !== null) return /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/.test(word.value) ? { name: word.value, written: word.value } : null;
  const written = unquote(word.text);
  if (written.startsWith("'")) return null;
  const name = model.expand(written, line);
  return name !== null && /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/.test(name) ? { name, written } : null;
}

/** An account a command names, with the word that names it (resolved at each lint: it may use variables). */
interface AccountWord {
  kind: Account['kind'];
  word: ShellWord | undefined;
  action: Account['action'];
}

function accountsOfCommand(model: DockerfileModel, command: ShellCommand, line: number): Account[] {
  const out: Account[] = [];
  for (const { kind, word, action } of accountWords(command)) {
    const n = word ? wordName(model, word, line) : null;
    if (n) out.push({ kind, name: n.name, written: n.written, line, action });
  }
  return out;
}

// Once per parsed command (kept with its RUN's text): which words name accounts does not depend on the file.
const accountWords = memoByObject((command: ShellCommand): AccountWord[] => {
  const unwrapped = unwrapCommand(command);
  const tool = basename(unwrapped?.name.value ?? null);
  const syntax = tool ? SYNTAX.get(tool) : undefined;
  if (!unwrapped || !tool || !syntax) return [];
  const { flags, values, positionals } = parseOptions(command.args, unwrapped.firstArg, syntax);
  const out: AccountWord[] = [];
  const add = (kind: Account['kind'], word: ShellWord | undefined, action: Account['action']) => {
    out.push({ kind, word, action });
  };
  switch (tool) {
    case 'useradd': {
      const login = positionals[positionals.length - 1];
      const uid = values.get('-u') ?? values.get('--uid');
      const uidValue = typeof uid === 'string' ? uid : uid?.value;
      const root = uidValue !== undefined && uidValue !== null && /^0+$/.test(uidValue);
      add('user', login, root ? 'mention' : 'create');
      add('group', login, 'create'); // user private group (USERGROUPS_ENAB), unless -N / -g: harmless to reserve
      break;
    }
    case 'groupadd':
    case 'addgroup':
      if (positionals.length === 1) add('group', positionals[0], 'create');
      else positionals.forEach((w) => add('group', w, 'mention')); // `addgroup user group`: membership only
      break;
    case 'userdel':
    case 'deluser':
      if (positionals.length === 1) add('user', positionals[0], 'delete');
      break;
    case 'groupdel':
    case 'delgroup':
      if (positionals.length === 1) add('group', positionals[0], 'delete');
      break;
    case 'adduser': {
      const groupOnly = flags.has('--group') && !flags.has('--system');
      if (positionals.length === 1) {
        if (groupOnly) add('group', positionals[0], 'create');
        else {
          add('user', positionals[0], 'create');
          add('group', positionals[0], 'create');
        }
      } else {
        positionals.forEach((w) => add('user', w, 'mention'));
      }
      break;
    }
  }
  return out;
});

/** Users and groups that the RUN instructions of the given stages create or mention, in document order. */
export function accountsIn(model: DockerfileModel, stages: Iterable<Stage>): Account[] {
  const out: Account[] = [];
  for (const stage of stages) out.push(...accountsOfStage(model, stage));
  return out.sort((a, b) => a.line - b.line);
}

/** The accounts of one stage's RUNs, in order: once per model and stage (the fix reads the final stages, then all). */
const accountsOfStage = memoByPair((model: DockerfileModel, stage: Stage): readonly Account[] => {
  const accounts: Account[] = [];
  for (const { instruction, shell } of model.runsOf(stage)) {
    const line = instruction.getRange().start.line;
    for (const command of shell.script.commands) accounts.push(...accountsOfCommand(model, command, line));
  }
  return accounts;
});

/** Non-root users created and still present at the end of the given stages, in creation order. */
export function createdUsers(model: DockerfileModel, stages: Iterable<Stage>): Account[] {
  const alive: Account[] = [];
  for (const a of accountsIn(model, stages)) {
    if (a.kind !== 'user' || a.name === 'root') continue;
    if (a.action === 'create' && !alive.some((x) => x.name === a.name)) alive.push(a);
    if (a.action === 'delete') alive.splice(0, alive.length, ...alive.filter((x) => x.name !== a.name));
  }
  return alive;
}

/** `app`, then `appuser`, then `app1`, `app2`... : the first name no user or group of the file uses. */
export function pickUserName(taken: ReadonlySet<string>): string {
  for (const candidate of ['app', 'appuser']) if (!taken.has(candidate)) return candidate;
  for (let n = 1; ; n++) if (!taken.has(`app${n}`)) return `app${n}`;
}

// ---------------------------------------------------------------------------------------------------
// Where the fix goes and what it says

const BUILD_STEPS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR', 'USER']);
const STARTUP = new Set(['CMD', 'ENTRYPOINT']);

export interface InsertionPoint {
  /** Offset where the block goes. */
  offset: number;
  /** True when the block goes after the end of the last line, which has no line break. */
  atEndWithoutNewline: boolean;
  /**
   * A line inside the stage whose ARG/ENV scope is the one of the inserted instructions: the CMD or
   * ENTRYPOINT they go before, or the last line of the stage's last instruction. (Lines past the last
   * instruction are outside every stage for dockerfile-ast, which cannot resolve variables there.)
   */
  scopeLine: number;
}

/**
 * Before the CMD/ENTRYPOINT that follows the stage's last build step (above any comments sitting right on
 * top of it, which describe it or silence a rule on it); otherwise after the stage's last instruction.
 */
// A heredoc opener as BuildKit reads it in RUN, COPY and ADD (`<<EOF`, `<<-"EOF"`), not a here-string (`<<<`).
const HEREDOC_OPENER = /(?<!<)<<-?[ \t]*(["']?)[A-Za-z_][\w.-]*\1/;

/**
 * Whether a heredoc of the document is open: it has no closing delimiter (being typed), or dockerfile-ast could
 * not read the heredocs of an instruction that opens one (broken line endings). Everything after an open heredoc
 * may be its body, so text inserted further down could land inside it: the insertion fixes are then withheld.
 * Once per model: several rules ask, and reading heredocs is a good part of a lint.
 */
export const hasOpenHeredoc: (model: DockerfileModel) => boolean = memoByObject(computeOpenHeredoc);

function computeOpenHeredoc(model: DockerfileModel): boolean {
  // Every heredoc starts with `<<`, but its two `<` may stand on two lines joined by a continuation (`ADD <\`,
  // then `<EOF`): only a document or an instruction with no `<` at all is known to have none without reading.
  if (!model.text.includes('<')) return false;
  return model.instructions.some((instruction) => {
    const range = instruction.getRange();
    const text = model.text.slice(model.index.offsetAt(range.start), model.index.offsetAt(range.end));
    if (!text.includes('<')) return false;
    // (every instruction has getHeredocs; dockerfile-ast makes it public on RUN, COPY and ADD only)
    const heredocs = (instruction as unknown as { getHeredocs(): Array<{ getDelimiterRange(): unknown }> }).getHeredocs();
    if (heredocs.some((h) => h.getDelimiterRange() === null)) return true;
    return heredocs.length === 0 && HEREDOC_KEYWORDS.has(instruction.getKeyword()) && HEREDOC_OPENER.test(text);
  });
}

const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

export function insertionPoint(model: DockerfileModel, stage: Stage): InsertionPoint {
  const all: Instruction[] = [stage.from as Instruction, ...stage.instructions];
  let lastStep = 0;
  all.forEach((i, k) => { if (BUILD_STEPS.has(i.getKeyword())) lastStep = k; });
  const target = all.slice(lastStep + 1).find((i) => STARTUP.has(i.getKeyword()));
  const index = model.index;
  if (target) {
    const before = all[all.indexOf(target) - 1];
    const floor = before.getRange().end.line + 1;
    let line = target.getRange().start.line;
    while (line - 1 >= floor && /^\s*#/.test(index.lineText(line - 1))) line--;
    return { offset: index.lineStarts[line], atEndWithoutNewline: false, scopeLine: target.getRange().start.line };
  }
  const last = all[all.length - 1];
  const endLine = last.getRange().end.line;
  if (endLine + 1 < index.lineCount) {
    return { offset: index.lineStarts[endLine + 1], atEndWithoutNewline: false, scopeLine: endLine };
  }
  return { offset: model.text.length, atEndWithoutNewline: true, scopeLine: endLine };
}

function posixJoin(base: string, path: string): string {
  const parts = (path.startsWith('/') ? path : `${base}/${path}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (!p || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return `/${out.join('/')}`;
}

// chown -R on these would take over system files.
const SYSTEM_DIRS = new Set(['/', '/bin', '/sbin', '/boot', '/dev', '/etc', '/lib', '/lib64', '/proc', '/sys', '/usr',
  '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/local', '/usr/local/bin', '/usr/local/lib', '/usr/share', '/var', '/var/lib', '/opt', '/tmp', '/home']);

function destinationOf(model: DockerfileModel, instruction: Instruction): string | null {
  const json = instruction as JSONInstruction;
  const line = instruction.getRange().start.line;
  let words: string[];
  if (json.getOpeningBracket?.() && json.getClosingBracket?.() && json.getJSONStrings().length) {
    words = json.getJSONStrings().map((s) => s.getJSONValue());
  } else {
    let args = instruction.getArguments();
    // `COPY <<EOF /dest`: the destination is on the first line, the body follows.
    if (args.some((a) => a.getValue().startsWith('<<'))) args = args.filter((a) => a.getRange().start.line === line);
    words = args.map((a) => unquote(a.getValue()));
  }
  if (words.length < 2) return null;
  return model.expand(words[words.length - 1], line);
}

/**
 * The WORKDIR to hand over to the new user: the stage's working directory, when COPY/ADD without
 * `--chown` put files in it (those files belong to root). Null when there is nothing to hand over.
 */
export function workdirToChown(model: DockerfileModel, stage: Stage): string | null {
  let workdir: string | null = '/';
  const copied: string[] = [];
  for (const s of chainOf(stage).reverse()) {
    for (const instruction of s.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'WORKDIR') {
        const value = model.expand(unquote(instruction.getArgumentsContent()?.trim() ?? ''), instruction.getRange().start.line);
        workdir = value === null || !value || workdir === null ? null : posixJoin(workdir, value);
      } else if (keyword === 'COPY' || keyword === 'ADD') {
        const flags = (instruction as JSONInstruction).getFlags();
        if (flags.some((f: Flag) => f.getName().toLowerCase() === 'chown')) continue;
        const dest = destinationOf(model, instruction);
        if (dest === null) continue;
        if (dest.startsWith('/')) copied.push(posixJoin('/', dest));
        else if (workdir !== null) copied.push(posixJoin(workdir, dest));
      }
    }
  }
  if (workdir === null || SYSTEM_DIRS.has(workdir)) return null;
  const wd = workdir;
  return copied.some((d) => d === wd || d.startsWith(`${wd}/`)) ? wd : null;
}

function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** The instructions that make the stage run as a non-root user. */
export function nonRootBlock(model: DockerfileModel, stage: Stage, scopeLine: number): string[] {
  const chain = chainOf(stage);
  const image = baseImageOf(model, stage);
  const family = familyOf(model, stage);
  const windows = family === 'windows';

  // 1. A non-root user this file already switched to before going back to root.
  const users = chain.slice().reverse().flatMap((s) => usersOf(s));
  for (const user of users.reverse()) {
    const value = userValue(model, user);
    if (value !== null && classifyUser(value, windows) === 'root') continue;
    const written = model.index.textIn(userArgumentRange(user)).trim();
    const here = written.includes('$') ? model.expand(unquote(written), scopeLine) : value;
    if (here === value) return [`USER ${written}`];
    if (value !== null) return [`USER ${value}`];
  }

  // 2. A user created in this stage or the ones it builds on but never switched to (the first one: later
  //    ones are usually helpers of the main service account), unless it is deleted again.
  const created = createdUsers(model, chain.slice().reverse());
  const first = created[0];
  if (first) {
    const keepVariable = first.written !== first.name && model.expand(first.written, scopeLine) === first.name;
    return [`USER ${keepVariable ? first.written : first.name}`];
  }

  // 3. An account the base image already ships.
  const shipped = windows ? 'ContainerUser' : shippedNonRootUser(image);
  if (shipped) return [`USER ${shipped}`];

  // 4. Create one, with the tools of the image's family.
  // Every name the file touches stays reserved, deleted ones too (a group may outlive its user).
  const taken = new Set(accountsIn(model, model.stages).map((a) => a.name));
  const name = pickUserName(taken);
  let run = family === 'alpine' || family === 'busybox'
    ? `RUN addgroup -S ${name} && adduser -S -G ${name} ${name}`
    : `RUN groupadd -r ${name} && useradd -r -g ${name} -s /sbin/nologin ${name}`;
  const workdir = workdirToChown(model, stage);
  if (workdir) run += ` && chown -R ${name}:${name} ${shellQuote(workdir)}`;
  return [run, `USER ${name}`];
}

function insertionEdit(model: DockerfileModel, stage: Stage): TextEdit {
  const point = insertionPoint(model, stage);
  const lines = nonRootBlock(model, stage, point.scopeLine);
  const eol = model.index.eol;
  const newText = point.atEndWithoutNewline ? eol + lines.join(eol) : lines.join(eol) + eol;
  const position = model.index.positionAt(point.offset);
  return { range: { start: position, end: position }, newText };
}

/** The FROM instruction on its first line: keyword through the image, or through the stage name. */
function fromRange(model: DockerfileModel, stage: Stage): Range {
  const from = stage.from;
  const start: Position = from.getRange().start;
  let end: Position = from.getBuildStageRange()?.end ?? from.getImageRange()?.end ?? from.getInstructionRange().end;
  if (end.line !== start.line) {
    const text = model.index.lineText(start.line);
    let cut = text.length;
    const trim = () => { while (cut > 0 && /\s/.test(text[cut - 1])) cut--; };
    trim();
    if (cut > 0 && text[cut - 1] === model.escapeChar) cut--;
    trim();
    // (the keyword itself may be split by a continuation: then only this line's text counts)
    const keywordEnd = from.getInstructionRange().end;
    end = { line: start.line, character: keywordEnd.line === start.line ? Math.max(cut, keywordEnd.character) : cut };
  }
  return { start, end };
}

// Tools an entrypoint uses to start as root and then drop to another user (the official images' pattern).
const PRIVILEGE_DROPPERS = new Set(['gosu', 'su-exec', 'setpriv', 'runuser', 'chpst', 's6-setuidgid', 'setuidgid', 'supervisord']);

// The name is part of the value: one regex test rules out most words before the name is cut out of them.
const PRIVILEGE_DROPPER_MENTION = new RegExp([...PRIVILEGE_DROPPERS].join('|'));

function namesPrivilegeDropper(word: ShellWord): boolean {
  return word.value !== null && PRIVILEGE_DROPPER_MENTION.test(word.value)
    && PRIVILEGE_DROPPERS.has(basename(cutLastLineFrom(word.value, '=')) ?? '');
}

/**
 * True when the stage (or a stage it builds on) installs or runs a privilege-dropping tool: the entrypoint
 * then probably switches user itself, and forcing USER could break it, so the fix is only offered, not applied by fix-all.
 */
export function dropsPrivilegesAtRuntime(model: DockerfileModel, stage: Stage): boolean {
  for (const s of chainOf(stage)) {
    for (const { shell } of model.runsOf(s)) {
      for (const command of shell.script.commands) {
        if (namesPrivilegeDropper(command.name) || command.args.some(namesPrivilegeDropper)) return true;
      }
    }
    for (const instruction of s.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword !== 'ENTRYPOINT' && keyword !== 'CMD') continue;
      if (instruction.getArguments().some((a) => PRIVILEGE_DROPPERS.has(basename(a.getValue().replace(/^\[?"|",?$|"?\]$/g, '')) ?? ''))) return true;
    }
  }
  return false;
}

export const userRoot: Rule = {
  meta: {
    id: 'user-root',
    sections: ['3.1.2', '2.1.3'],
    severity: 'warning',
    fixable: true,
    equivalents: { hadolint: ['DL3002'], trivy: ['DS-0002'], checkov: ['CKV_DOCKER_3', 'CKV_DOCKER_8'] },
    docs: {
      en: {
        title: 'The image runs as root',
        why: 'Containers share the host kernel, so a process that is root inside the container holds a lot of power if it ever escapes or is handed a mounted host path. Most base images start as root, and the last USER of the final stage decides who the container runs as unless the person launching it overrides it.',
        how: 'Create an unprivileged user (or use the one the base image provides, such as node or nonroot), give it the files it needs to write, and switch to it with USER before CMD or ENTRYPOINT. Build stages can stay root: only the final stage ends up running.',
      },
      es: {
        title: 'La imagen se ejecuta como root',
        why: 'Los contenedores comparten el kernel con el host, así que un proceso que es root dentro del contenedor tiene mucho poder si logra escapar o recibe una ruta del host montada. Casi todas las imágenes base arrancan como root, y el último USER de la etapa final decide con qué usuario corre el contenedor salvo que quien lo lanza lo cambie.',
        how: 'Crea un usuario sin privilegios (o usa el que ya trae la imagen base, como node o nonroot), dale los ficheros en los que tenga que escribir y cámbiate a él con USER antes de CMD o ENTRYPOINT. Las etapas de compilación pueden seguir como root: solo se ejecuta la etapa final.',
      },
    },
  },
  check({ model, report }) {
    const stage = model.finalStage;
    if (!stage) return;
    const state = effectiveUser(model, stage);
    if (state.kind !== 'root') return;
    const dropsLater = dropsPrivilegesAtRuntime(model, stage);
    const fixes = hasOpenHeredoc(model) ? [] : [{
      title: { en: 'Insert non-root user block', es: 'Insertar bloque de usuario sin privilegios' },
      kind: dropsLater ? 'refactor' as const : 'quickfix' as const,
      edits: [insertionEdit(model, stage)],
    }];
    const note: Localized = dropsLater
      ? {
        en: ' The image uses a privilege-dropping tool (gosu, su-exec, ...): if its entrypoint switches user itself, silence this rule here with an ignore comment.',
        es: ' La imagen usa una herramienta para soltar privilegios (gosu, su-exec, ...): si su entrypoint ya cambia de usuario, silencia esta regla aquí con un comentario ignore.',
      }
      : { en: '', es: '' };
    const withNote = (m: Localized): Localized => ({ en: m.en + note.en, es: m.es + note.es });
    const own = state.instruction !== null && model.stageOf(state.instruction) === stage;
    if (own) {
      const value = state.value ?? '';
      const windows = familyOf(model, stage) === 'windows';
      report({
        range: userArgumentRange(state.instruction!),
        message: withNote({
          en: `The final stage ends with USER ${value}: the container runs as ${windows ? 'an administrator' : 'root'}. Switch to an unprivileged user before CMD/ENTRYPOINT.`,
          es: `La etapa final termina con USER ${value}: el contenedor se ejecuta como ${windows ? 'administrador' : 'root'}. Cambia a un usuario sin privilegios antes de CMD/ENTRYPOINT.`,
        }),
        fixes,
      });
      return;
    }
    let message: Localized;
    if (state.instruction) {
      const from = model.stageOf(state.instruction);
      const name = from?.name ?? String(from?.index ?? '?');
      message = {
        en: `The final stage has no USER and inherits root from stage "${name}": the container runs as root.`,
        es: `La etapa final no tiene USER y hereda root de la etapa "${name}": el contenedor se ejecuta como root.`,
      };
    } else {
      const image = baseImageOf(model, stage);
      const shipped = shippedNonRootUser(image);
      const hint: Localized = shipped && imageFamily(image) !== 'windows' && !['distroless', 'chainguard', 'scratch'].includes(imageFamily(image))
        ? { en: ` (it ships the user "${shipped}" but does not switch to it)`, es: ` (trae el usuario "${shipped}" pero no lo activa)` }
        : { en: '', es: '' };
      message = image
        ? {
          en: `The final stage has no USER and its base image ${image.raw} does not switch to a non-root user${hint.en}: the container runs as root.`,
          es: `La etapa final no tiene USER y su imagen base ${image.raw} no cambia a un usuario sin privilegios${hint.es}: el contenedor se ejecuta como root.`,
        }
        : {
          en: 'The final stage has no USER and its base image is only known at build time: the container runs as root unless that image switches user.',
          es: 'La etapa final no tiene USER y su imagen base solo se conoce al construir: el contenedor se ejecuta como root salvo que esa imagen cambie de usuario.',
        };
    }
    report({ range: fromRange(model, stage), message: withNote(message), fixes });
  },
};
