// What RUN and ADD fetch from the network, read the way the shell would run it: curl/wget options and
// URL words, where the downloaded body goes (a file, a pipe, a command substitution, the build log),
// which commands verify downloads, environment assignments, text written into config files, and ADD
// operands. Shared by the 3.1.4 / 3.1.5 / 2.2.3 rules (download-unverified, pipe-to-shell,
// tls-verification-disabled, signature-verification-disabled, plain-http, add-remote, add-archive,
// credentials-in-url), plus the small text edits their fixes need.
//
// The AST (commands, words, chains) is the source of truth. Between two commands the parser keeps no
// structure, so the text there (`2>/dev/null | `, `> file && `) is read with a small shell tokenizer:
// it only ever looks at such gaps, command prefixes (`A=1 cmd`) and `export` statements, never at a
// whole RUN line.
import type { Add, Instruction } from 'dockerfile-ast';
import type { DockerfileModel, RunShell, Stage } from '../dockerfile';
import type { Range, TextEdit } from '../types';
import { memoByObject, memoByScript } from '../memo';
import { basename, containsCommand, unwrapCommand } from './commands';
import type { ShellCommand, ShellWord } from './parser';

// What is read from a RUN's script depends only on the script and its source, which the RUN cache keeps
// together (one parsed script per source text): results are kept per script, or per command of a script,
// and offsets in them stay relative to the source. Several rules read the same RUNs.

/** For functions of a command and the RUN it belongs to (callers always pass the command's own RUN). */
function memoByCommand<V>(compute: (shell: RunShell, command: ShellCommand) => V): (shell: RunShell, command: ShellCommand) => V {
  const cache = new WeakMap<ShellCommand, V>();
  return (shell: RunShell, command: ShellCommand): V => {
    if (cache.has(command)) return cache.get(command)!;
    const value = compute(shell, command);
    cache.set(command, value);
    return value;
  };
}

// ---------------------------------------------------------------------------------------------------
// A tokenizer for the text between commands

export interface Token {
  type: 'word' | 'op' | 'redirect' | 'newline';
  text: string;
  /** Offsets relative to the text handed to `lex` plus its `base`. */
  start: number;
  end: number;
  /** Words: the value after quote removal, null when it depends on an expansion. */
  value?: string | null;
  /** Redirections: the file descriptor (`1` for `>`, `&` for `&>`), the operator and the target word. */
  fd?: string;
  op?: string;
  target?: Token | null;
}

const OPERATORS = ['&&', '||', '|&', ';;', '|', '&', ';', '(', ')'];
const OPERATOR_STARTS = '&|;()';
const REDIRECT_OPS = ['<<<', '<<-', '&>>', '>>', '>|', '>&', '<&', '<>', '&>', '<<', '>', '<'];

/** Characters that end a word or change how the rest of it reads (the others are taken as they are). */
const WORD_SPECIAL = new Uint8Array(128);
for (const c of ' \t\n\r;&|<>)\\\'"$`') WORD_SPECIAL[c.charCodeAt(0)] = 1;

/** Splits shell text into words, control operators and redirections (with their target word). */
export function lex(text: string, base = 0): Token[] {
  const tokens: Token[] = [];
  lexInto(text, base, (token) => {
    tokens.push(token);
    return true;
  });
  return tokens;
}

/** The first token of `text`, if any (only that one is read). */
export function firstToken(text: string, base = 0): Token | undefined {
  let first: Token | undefined;
  lexInto(text, base, (token) => {
    first = token;
    return false;
  });
  return first;
}

/**
 * Hands the tokens of `text` to `visit` in order until it returns false: callers that need only the first few do
 * not read the rest (the text after a nested command runs to the end of the RUN; reading all of it for each of
 * thousands of nested commands was quadratic).
 */
function lexInto(text: string, base: number, visit: (token: Token) => boolean): void {
  let i = 0;
  const n = text.length;
  const readWord = (): Token | null => {
    const start = i;
    let value: string | null = '';
    while (i < n) {
      const c = text[i];
      if ((c === '<' || c === '>') && i === start && text[i + 1] === '(') { value = null; i = skipExpansion(text, i); continue; }
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '&' || c === '|' || c === '<' || c === '>' || c === ')' || (c === '(' && i === start)) break;
      if (c === '\\') {
        if (value !== null && i + 1 < n) value += text[i + 1];
        i += 2;
        continue;
      }
      if (c === "'") {
        const close = text.indexOf("'", i + 1);
        const stop = close < 0 ? n : close;
        if (value !== null) value += text.slice(i + 1, stop);
        i = stop + 1;
        continue;
      }
      if (c === '"') {
        let j = i + 1;
        let inner = '';
        let dynamic = false;
        while (j < n && text[j] !== '"') {
          if (text[j] === '\\' && j + 1 < n) {
            inner += /[$`"\\\n]/.test(text[j + 1]) ? text[j + 1] : text[j] + text[j + 1];
            j += 2;
            continue;
          }
          if (text[j] === '$' || text[j] === '`') {
            dynamic = true;
            j = skipExpansion(text, j);
            continue;
          }
          inner += text[j++];
        }
        if (value !== null) value = dynamic ? null : value + inner;
        i = j + 1;
        continue;
      }
      if (c === '$' || c === '`') {
        value = null;
        i = skipExpansion(text, i);
        continue;
      }
      // An ordinary character, and the ones after it at once (past the start, `(` is one of them).
      let j = i + 1;
      while (j < n && !(text.charCodeAt(j) < 128 && WORD_SPECIAL[text.charCodeAt(j)])) j++;
      if (value !== null) value += text.slice(i, j);
      i = j;
    }
    if (i === start) return null;
    return { type: 'word', text: text.slice(start, Math.min(i, n)), start: base + start, end: base + Math.min(i, n), value };
  };
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '\n') {
      if (!visit({ type: 'newline', text: c, start: base + i, end: base + i + 1 })) return;
      i++;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    // A redirection: optional descriptor digits (or `&`) glued to the operator.
    let afterFd = i;
    while (afterFd < n && text.charCodeAt(afterFd) >= 48 && text.charCodeAt(afterFd) <= 57) afterFd++;
    const fdMatch = text.slice(i, afterFd);
    // (every operator starts with `<`, `>` or `&`: other characters need no search)
    const opStart = text[afterFd];
    const redirect = opStart === '<' || opStart === '>' || opStart === '&'
      ? REDIRECT_OPS.find((op) => text.startsWith(op, afterFd) && !(op === '&>' && fdMatch) && !(op === '&>>' && fdMatch))
      : undefined;
    if (redirect && (fdMatch || /[<>&]/.test(c))) {
      if (!(redirect === '<' && text[afterFd + 1] === '(') && !(redirect === '>' && text[afterFd + 1] === '(')) {
        const start = i;
        i = afterFd + redirect.length;
        while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
        const target = readWord();
        const fd = redirect.startsWith('&') ? '&' : fdMatch || (redirect.startsWith('<') ? '0' : '1');
        if (!visit({ type: 'redirect', text: text.slice(start, i), start: base + start, end: base + i, fd, op: redirect.replace(/^&/, ''), target })) return;
        continue;
      }
    }
    const op = OPERATOR_STARTS.includes(c) ? OPERATORS.find((o) => text.startsWith(o, i)) : undefined;
    if (op && !(op === '(' && i > 0 && text[i - 1] === '$')) {
      if (!visit({ type: 'op', text: op, start: base + i, end: base + i + op.length })) return;
      i += op.length;
      continue;
    }
    const word = readWord();
    if (!word) i++;
    else if (!visit(word)) return;
  }
}

/** Index just past an expansion starting at `i` (`$(...)`, `${...}`, `$VAR`, backticks). */
function skipExpansion(text: string, i: number): number {
  const n = text.length;
  if (text[i] === '`') {
    const close = text.indexOf('`', i + 1);
    return close < 0 ? n : close + 1;
  }
  if (text[i + 1] === '(' || text[i + 1] === '{') {
    // `$(`, `${`, and process substitutions `<(` / `>(`
    const open = text[i + 1];
    const close = open === '(' ? ')' : '}';
    let depth = 0;
    for (let j = i + 1; j < n; j++) {
      if (text[j] === "'" && open === '(') { const q = text.indexOf("'", j + 1); j = q < 0 ? n : q; continue; }
      if (text[j] === '\\') { j++; continue; }
      if (text[j] === open) depth++;
      else if (text[j] === close && --depth === 0) return j + 1;
    }
    return n;
  }
  let j = i + 1;
  if (j < n && /[@*#?$!0-9-]/.test(text[j])) return j + 1;
  while (j < n && /[A-Za-z0-9_]/.test(text[j])) j++;
  return j;
}

// ---------------------------------------------------------------------------------------------------
// Command-line options

export interface ProgramCall {
  /** Base name of the program after wrappers (`sudo -E pip3` → `pip3`); `python -m pip` → `pip`. */
  program: string;
  name: ShellWord;
  /** The program's own arguments. */
  args: ShellWord[];
}

/** The program a command runs and its arguments, through sudo/env/xargs and `python -m <module>`. */
export function programCall(command: ShellCommand): ProgramCall | null {
  return programCallOnce(command);
}

const programCallOnce = memoByObject((command: ShellCommand): ProgramCall | null => {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return null;
  const program = basename(unwrapped.name.value);
  if (program === null) return null;
  const args = command.args.slice(unwrapped.firstArg);
  if (/^python(\d+(\.\d+)?)?$/.test(program)) {
    const m = args.findIndex((a) => a.value === '-m');
    if (m >= 0 && m + 1 < args.length && args.slice(0, m).every((a) => a.value?.startsWith('-')) && args[m + 1].value) {
      return { program: args[m + 1].value!, name: args[m + 1], args: args.slice(m + 2) };
    }
  }
  return { program, name: unwrapped.name, args };
});

export interface OptionSpec {
  /** Short option letters that take a value (`o` for `-o file`). */
  shortValue: string;
  /** Long options that take a value as the next word (`--opt=value` needs no listing). */
  longValue: ReadonlySet<string>;
}

export interface ParsedOption {
  /** `-o`, `--output`: a letter of a group is reported as its own short option. */
  name: string;
  word: ShellWord;
  /** Index in `word.value` of the letter for a short option, -1 for a long one. */
  letter: number;
  /** The option's value (attached or next word), null when none or dynamic. */
  value: string | null;
  /** The next word when the value was given separately. */
  valueWord: ShellWord | null;
}

export interface ParsedArgs {
  options: ParsedOption[];
  operands: ShellWord[];
}

/**
 * Reads `args` from `from` as a getopt-style command line: grouped short options (`-fsSLo file`), long
 * options with `=` or a separate value, `--` ending the options. A word whose value is unknown
 * (`$OPTS`) is taken as an operand.
 */
export function parseArgs(args: readonly ShellWord[], from: number, spec: OptionSpec): ParsedArgs {
  const options: ParsedOption[] = [];
  const operands: ShellWord[] = [];
  let onlyOperands = false;
  for (let i = from; i < args.length; i++) {
    const word = args[i];
    const v = word.value;
    if (onlyOperands || v === null || !v.startsWith('-') || v === '-') { operands.push(word); continue; }
    if (v === '--') { onlyOperands = true; continue; }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      if (eq >= 0) { options.push({ name: v.slice(0, eq), word, letter: -1, value: v.slice(eq + 1), valueWord: null }); continue; }
      if (spec.longValue.has(v) && i + 1 < args.length) {
        const next = args[++i];
        options.push({ name: v, word, letter: -1, value: next.value, valueWord: next });
        continue;
      }
      options.push({ name: v, word, letter: -1, value: null, valueWord: null });
      continue;
    }
    for (let k = 1; k < v.length; k++) {
      const letter = v[k];
      if (spec.shortValue.includes(letter)) {
        if (k + 1 < v.length) {
          options.push({ name: `-${letter}`, word, letter: k, value: v.slice(k + 1), valueWord: null });
        } else if (i + 1 < args.length) {
          const next = args[++i];
          options.push({ name: `-${letter}`, word, letter: k, value: next.value, valueWord: next });
        } else {
          options.push({ name: `-${letter}`, word, letter: k, value: null, valueWord: null });
        }
        break;
      }
      options.push({ name: `-${letter}`, word, letter: k, value: null, valueWord: null });
    }
  }
  return { options, operands };
}

const CURL: OptionSpec = {
  shortValue: 'AbcCdDeEFHKmoPQrtTuUwxXyYz',
  longValue: new Set([
    '--output', '--url', '--header', '--user', '--user-agent', '--data', '--data-ascii', '--data-binary', '--data-raw',
    '--data-urlencode', '--json', '--form', '--form-string', '--retry', '--retry-delay', '--retry-max-time', '--max-time',
    '--connect-timeout', '--proxy', '--proxy-user', '--preproxy', '--request', '--referer', '--cert', '--cert-type',
    '--cacert', '--capath', '--key', '--key-type', '--pass', '--config', '--cookie', '--cookie-jar', '--dump-header',
    '--limit-rate', '--max-filesize', '--max-redirs', '--output-dir', '--range', '--resolve', '--connect-to',
    '--write-out', '--upload-file', '--continue-at', '--time-cond', '--ciphers', '--interface', '--local-port',
    '--netrc-file', '--noproxy', '--oauth2-bearer', '--pinnedpubkey', '--proto', '--proto-redir', '--proto-default',
    '--pubkey', '--quote', '--speed-limit', '--speed-time', '--tls-max', '--unix-socket', '--abstract-unix-socket',
    '--create-file-mode', '--expect100-timeout', '--keepalive-time', '--stderr', '--trace', '--trace-ascii',
    '--dns-servers', '--dns-interface', '--doh-url', '--engine', '--hostpubmd5', '--hostpubsha256', '--login-options',
    '--mail-from', '--mail-rcpt', '--mail-auth', '--socks4', '--socks4a', '--socks5', '--socks5-hostname',
    '--sasl-authzid', '--aws-sigv4', '--alt-svc', '--hsts', '--etag-save', '--etag-compare', '--parallel-max', '--rate',
    '--ftp-port', '--ftp-account', '--variable', '--retry-connrefused-delay', '--happy-eyeballs-timeout-ms',
    '--proxy-header', '--proxy-cacert', '--proxy-capath', '--proxy-cert', '--proxy-key', '--proxy-pass', '--tlsuser',
    '--tlspassword', '--krb', '--delegation', '--service-name', '--ipfs-gateway', '--ech', '--curves', '--trace-config',
  ]),
};

const WGET: OptionSpec = {
  shortValue: 'oaOPtTwUeiBlARDXIQn',
  longValue: new Set([
    '--output-document', '--output-file', '--append-output', '--directory-prefix', '--tries', '--timeout', '--wait',
    '--user-agent', '--execute', '--input-file', '--base', '--level', '--accept', '--reject', '--domains',
    '--exclude-directories', '--include-directories', '--quota', '--header', '--user', '--password', '--http-user',
    '--http-password', '--post-data', '--post-file', '--method', '--body-data', '--body-file', '--load-cookies',
    '--save-cookies', '--referer', '--ca-certificate', '--ca-directory', '--certificate', '--private-key',
    '--secure-protocol', '--limit-rate', '--dns-timeout', '--connect-timeout', '--read-timeout', '--waitretry',
    '--bind-address', '--restrict-file-names', '--max-redirect', '--progress', '--local-encoding', '--remote-encoding',
    '--ftp-user', '--ftp-password', '--proxy-user', '--proxy-password', '--config', '--cut-dirs', '--default-page',
    '--retry-on-http-error', '--backups', '--report-speed', '--compression', '--use-askpass', '--hsts-file',
    '--rejected-log', '--regex-type', '--accept-regex', '--reject-regex', '--exclude-domains', '--follow-tags',
    '--ignore-tags', '--certificate-type', '--private-key-type', '--crl-file', '--pinnedpubkey', '--random-file',
    '--egd-file', '--ciphers', '--prefer-family', '--warc-file', '--warc-header', '--warc-max-size', '--warc-dedup',
    '--warc-tempdir', '--xattr',
  ]),
};

// ---------------------------------------------------------------------------------------------------
// curl and wget

export interface Transfer {
  tool: 'curl' | 'wget';
  command: ShellCommand;
  /** The program's name word (after wrappers such as sudo). */
  name: ShellWord;
  options: ParsedOption[];
  /** The URLs fetched (operands and `--url` values). */
  urls: ShellWord[];
  /** Where the program itself writes the body. */
  output: 'file' | 'stdout' | 'none';
  /** Files it writes (known names; null = a name only known at build time). */
  files: (string | null)[];
}

function has(options: ParsedOption[], ...names: string[]): boolean {
  return options.some((o) => names.includes(o.name));
}

function lastValue(options: ParsedOption[], ...names: string[]): ParsedOption | null {
  const found = options.filter((o) => names.includes(o.name));
  return found.length ? found[found.length - 1] : null;
}

/** The last path segment of a URL (without query or fragment), or null. */
export function urlFileName(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(\/[^?#]*)?/i.exec(url);
  const path = m ? m[1] ?? '' : url.split(/[?#]/)[0];
  const name = path.split('/').pop() ?? '';
  return name || null;
}

function isStdout(file: string | null): boolean {
  return file === '-' || file === '/dev/stdout' || file === '/proc/self/fd/1';
}

/** Reads a curl or wget call (also through sudo/env); null for any other command. */
export function transferOf(command: ShellCommand): Transfer | null {
  return transferOnce(command);
}

// Read once per parsed command: several rules look at every curl/wget of every RUN.
const transferOnce = memoByObject((command: ShellCommand): Transfer | null => {
  let unwrapped = unwrapCommand(command);
  if (!unwrapped) return null;
  let program = basename(unwrapped.name.value);
  // `busybox wget ...`
  if (program === 'busybox' && unwrapped.firstArg < command.args.length) {
    const next = command.args[unwrapped.firstArg];
    if (next.value === 'wget') {
      unwrapped = { name: next, firstArg: unwrapped.firstArg + 1 };
      program = 'wget';
    }
  }
  if (program !== 'curl' && program !== 'wget') return null;
  const tool = program;
  const parsed = parseArgs(command.args, unwrapped.firstArg, tool === 'curl' ? CURL : WGET);
  const options = parsed.options;
  const urls = [...parsed.operands];
  if (tool === 'curl') {
    for (const o of options) if (o.name === '--url' && o.valueWord) urls.push(o.valueWord);
  }
  let output: Transfer['output'];
  const files: (string | null)[] = [];
  if (tool === 'curl') {
    const named = options.filter((o) => o.name === '-o' || o.name === '--output');
    const remote = has(options, '-O', '--remote-name', '--remote-name-all');
    const noBody = has(options, '-I', '--head', '-T', '--upload-file');
    if (noBody) output = 'none';
    else if (named.length || remote) {
      output = 'file';
      for (const o of named) {
        if (isStdout(o.value)) output = named.length === 1 && !remote ? 'stdout' : output;
        else if (o.value !== '/dev/null') files.push(o.value);
      }
      if (remote) for (const url of urls) files.push(url.value === null ? null : urlFileName(url.value));
      if (output === 'file' && !files.length) output = 'none'; // only /dev/null
    } else {
      output = 'stdout';
    }
  } else {
    const document = lastValue(options, '-O', '--output-document');
    if (has(options, '--spider')) output = 'none';
    else if (document) {
      if (isStdout(document.value)) output = 'stdout';
      else if (document.value === '/dev/null') output = 'none';
      else { output = 'file'; files.push(document.value); }
    } else {
      output = 'file';
      const prefix = lastValue(options, '-P', '--directory-prefix');
      for (const url of urls) {
        const name = url.value === null ? null : urlFileName(url.value);
        files.push(name === null ? null : prefix ? (prefix.value === null ? null : `${prefix.value.replace(/(?<!\/)\/+$/, '')}/${name}`) : name);
      }
      if (!urls.length) files.push(null); // -i list: names unknown
    }
  }
  return { tool, command, name: unwrapped.name, options, urls, output, files };
});

// ---------------------------------------------------------------------------------------------------
// Where a command's standard output goes

export interface Plumbing {
  /** Commands that read this one's output through pipes, in order. */
  stages: ShellCommand[];
  /** Redirection of the standard output: the target's value (null when dynamic), or undefined. */
  stdoutFile?: string | null;
  /** The redirection target as written (`$HOME/.curlrc`). */
  stdoutText?: string;
}

const sorted = new WeakMap<object, ShellCommand[]>();

function sortedCommands(shell: RunShell): ShellCommand[] {
  let list = sorted.get(shell.script);
  if (!list) {
    list = [...shell.script.commands].sort((a, b) => a.start - b.start);
    sorted.set(shell.script, list);
  }
  return list;
}

/** The first command starting at or after `offset` (binary search over commands sorted by start). */
function nextCommandAfter(commands: ShellCommand[], offset: number): ShellCommand | null {
  let low = 0;
  let high = commands.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (commands[mid].start < offset) low = mid + 1;
    else high = mid;
  }
  return commands[low] ?? null;
}

/** Redirections right after `command`, then the pipeline it feeds. */
export function plumbingOf(shell: RunShell, command: ShellCommand): Plumbing {
  return plumbingOnce(shell, command);
}

const plumbingOnce = memoByCommand((shell: RunShell, command: ShellCommand): Plumbing => {
  const commands = sortedCommands(shell);
  const result: Plumbing = { stages: [] };
  let current = command;
  for (let guard = 0; guard < 32; guard++) {
    const next = nextCommandAfter(commands, current.end);
    const gap = shell.source.slice(current.end, next ? next.start : shell.source.length);
    let piped = false;
    let broken = false;
    lexInto(gap, 0, (token) => {
      if (token.type === 'redirect') {
        if (current === command && (token.fd === '1' || token.fd === '&') && /^(>|>>|>\|)$/.test(token.op!)) {
          result.stdoutFile = token.target ? token.target.value ?? null : null;
          result.stdoutText = (token.target?.text ?? '').replace(/^["']|["']$/g, '');
        } else if (current === command && token.fd === '1' && token.op === '>&') {
          result.stdoutFile = '/dev/stderr';
        }
        return true;
      }
      if (token.type === 'newline' && piped) return true;
      if (token.type === 'op' && (token.text === '|' || token.text === '|&') && !piped) {
        piped = true;
        return true;
      }
      broken = true;
      return false;
    });
    if (!piped || broken || !next) break;
    result.stages.push(next);
    current = next;
  }
  return result;
});

export type Sink =
  | { kind: 'file'; files: (string | null)[] }
  | { kind: 'pipe'; stages: ShellCommand[] }
  | { kind: 'substitution'; command: ShellCommand; word: ShellWord }
  | { kind: 'none' };

export interface Download {
  transfer: Transfer;
  sink: Sink;
}

/** The innermost other command with a word that is exactly a substitution holding `command`. */
export function substitutionHolding(shell: RunShell, command: ShellCommand): { command: ShellCommand; word: ShellWord } | null {
  let best: { command: ShellCommand; word: ShellWord } | null = null;
  for (const other of shell.script.commands) {
    if (other === command) continue;
    for (const word of [other.name, ...other.args]) {
      if (word.start > command.start || word.end < command.end) continue;
      if (!isWholeSubstitution(word.text)) continue;
      if (!best || word.start >= best.word.start) best = { command: other, word };
    }
  }
  return best;
}

/** `$(...)`, `"$(...)"`, backticks or `<(...)` spanning the whole word. */
function isWholeSubstitution(text: string): boolean {
  const t = text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
  if (t.startsWith('`') && t.endsWith('`') && t.length >= 2) return t.indexOf('`', 1) === t.length - 1;
  if (!(t.startsWith('$(') || t.startsWith('<(')) || !t.endsWith(')')) return false;
  return skipExpansion(t.replace(/^</, '$'), 0) === t.length;
}

/** Every curl/wget call of a RUN with where its body ends up. */
export function downloadsIn(shell: RunShell): Download[] {
  return downloadsOnce(shell);
}

const downloadsOnce = memoByScript((shell: RunShell): Download[] => {
  const result: Download[] = [];
  for (const command of shell.script.commands) {
    const transfer = transferOf(command);
    if (!transfer) continue;
    if (transfer.output === 'file') {
      result.push({ transfer, sink: { kind: 'file', files: transfer.files } });
      continue;
    }
    if (transfer.output === 'none') {
      result.push({ transfer, sink: { kind: 'none' } });
      continue;
    }
    const plumbing = plumbingOf(shell, command);
    if (plumbing.stdoutFile !== undefined) {
      const file = plumbing.stdoutFile;
      const discarded = file === '/dev/null' || file === '/dev/stderr' || file === '/dev/stdout';
      result.push({ transfer, sink: discarded ? { kind: 'none' } : { kind: 'file', files: [file] } });
      continue;
    }
    if (plumbing.stages.length) {
      const first = plumbing.stages[0];
      const unwrapped = unwrapCommand(first);
      // `| tee file` saves it; `| tee file | sh` is still a pipe into whatever follows.
      if (unwrapped && basename(unwrapped.name.value) === 'tee' && plumbing.stages.length === 1) {
        const files = parseArgs(first.args, unwrapped.firstArg, { shortValue: '', longValue: new Set() }).operands
          .map((w) => w.value)
          .filter((v) => v !== '/dev/null' && v !== '/dev/stderr' && v !== '/dev/stdout');
        if (files.length) {
          result.push({ transfer, sink: { kind: 'file', files } });
          continue;
        }
      }
      result.push({ transfer, sink: { kind: 'pipe', stages: plumbing.stages } });
      continue;
    }
    const holder = substitutionHolding(shell, command);
    result.push({ transfer, sink: holder ? { kind: 'substitution', ...holder } : { kind: 'none' } });
  }
  return result;
});

// ---------------------------------------------------------------------------------------------------
// Verification

const CHECKSUM_TOOLS = /^(sha(1|224|256|384|512|512224|512256)sum|sha3sum|b2sum|md5sum|cksum|shasum|rhash|b3sum)$/;
const IN_CODE_HASH = /hash_file\s*\(|hashlib\.|Digest::SHA|createHash\s*\(|openssl_verify|hash\(\s*['"]sha/;

/** Is `command` a check of a checksum or signature (`sha256sum -c`, `gpg --verify`, `cosign verify-blob`, ...)? */
export function isVerification(shell: RunShell, command: ShellCommand): boolean {
  return isVerificationOnce(shell, command);
}

const isVerificationOnce = memoByCommand((shell: RunShell, command: ShellCommand): boolean => {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return false;
  const program = basename(unwrapped.name.value);
  if (program === null) return false;
  const args = command.args.slice(unwrapped.firstArg);
  const values = args.map((a) => a.value);
  if (CHECKSUM_TOOLS.test(program)) {
    const parsed = parseArgs(args, 0, { shortValue: program === 'shasum' ? 'a' : program === 'cksum' ? 'aN' : '', longValue: new Set(['--algorithm']) });
    if (parsed.options.some((o) => o.name === '-c' || o.name === '--check' || o.name === '-C')) return true;
    // `[ "$(sha256sum f | cut -d' ' -f1)" = "$SHA" ]`, `sha256sum f | grep -q $SHA`: the sum is compared.
    return plumbingOf(shell, command).stages.length > 0 || substitutionAround(shell, command);
  }
  switch (program) {
    case 'gpg': case 'gpg2':
      return values.some((v) => v === '--verify' || v === '--verify-files');
    case 'gpgv': case 'gpgv2': case 'pgpverify':
      return true;
    case 'cosign':
      return values.some((v) => v !== null && /^verify(-blob|-attestation|-blob-attestation)?$/.test(v));
    case 'minisign': case 'signify':
      return values.some((v) => v !== null && /^-[A-Za-z]*V/.test(v));
    case 'slsa-verifier':
      return values.some((v) => v !== null && v.startsWith('verify'));
    case 'openssl': {
      const sub = values[0] ?? null;
      if (sub === 'dgst' && values.some((v) => v === '-verify' || v === '-prverify' || v === '-signature')) return true;
      // `[ "$(openssl sha512 -r f)" = "$SUM" ]`: a digest that is compared.
      return sub !== null && /^(dgst|sha1|sha224|sha256|sha384|sha512|md5)$/.test(sub)
        && (plumbingOf(shell, command).stages.length > 0 || substitutionAround(shell, command));
    }
    case 'rpm': case 'rpmkeys':
      return values.some((v) => v === '-K' || v === '--checksig');
    case 'php': case 'python': case 'python3': case 'perl': case 'ruby': case 'node':
      return args.some((a) => IN_CODE_HASH.test(a.text));
    default:
      return false;
  }
});

/** The command's output is captured by `$(...)` or backticks (it is compared, not printed). */
function substitutionAround(shell: RunShell, command: ShellCommand): boolean {
  for (const other of shell.script.commands) {
    if (other === command) continue;
    for (const word of other.args) {
      if (word.start <= command.start && word.end >= command.end && /\$\(|`/.test(word.text)) return true;
    }
  }
  // `[ "$(sha256sum f)" = ... ]` is a test_command, not a command: look at the text right before.
  const before = shell.source.slice(0, command.start).trimEnd();
  return /(\$\(|`)$/.test(before);
}

// Files that are themselves checksums, signatures, keys or certificates: the inputs of a verification,
// not artifacts to verify.
const TRUST_FILE = /(\.(asc|sig|sign|gpg|pgp|pub|key|pem|crt|cer|der|minisig|sha1|sha224|sha256|sha384|sha512|sha256sum|sha512sum|md5|md5sum|sha256sums|sha512sums)|^(KEYS|gpg|key|pubkey|SHA\d*SUMS|MD5SUMS|SHASUMS\d*\.txt|SHASUMS\d*\.txt\.asc|sha\d*sums?\.txt|checksums?\.txt)|[-_.]checksums?(\.txt)?)$|GPG-KEY/i;
const TRUST_DIRS = /^(\/etc\/apt\/(keyrings|trusted\.gpg\.d|sources\.list\.d|preferences\.d)\/|\/usr\/share\/keyrings\/|\/etc\/apk\/keys\/|\/etc\/pki\/|\/etc\/yum\.repos\.d\/|\/etc\/zypp\/repos\.d\/|\/usr\/local\/share\/ca-certificates\/|\/etc\/ssl\/certs\/)/;

/** A checksum/signature/key/certificate file or a package-manager source definition. */
export function isTrustFile(path: string): boolean {
  const name = path.replace(/(?<!\/)\/+$/, '').split('/').pop() ?? '';
  return TRUST_FILE.test(name) || TRUST_DIRS.test(path);
}

/**
 * Names (basenames) that verification commands of `runs` mention: files given to `gpg --verify`,
 * `sha256sum -c <list>`, and those named in an `echo "<hash>  <file>"` piped into a checksum tool.
 */
export function verifiedNames(runs: Iterable<RunShell>): Set<string> {
  const names = new Set<string>();
  for (const shell of runs) for (const name of verifiedNamesOf(shell)) names.add(name);
  return names;
}

const verifiedNamesOf = memoByScript((shell: RunShell): ReadonlySet<string> => {
  const names = new Set<string>();
  const add = (text: string) => {
    for (const part of text.split(/[\s"'*=]+/)) {
      const name = part.replace(/(?<!\/)\/+$/, '').split('/').pop();
      if (name) names.add(name);
    }
  };
  const commands = sortedCommands(shell);
  for (const command of commands) {
    if (!isVerification(shell, command)) continue;
    for (const word of command.args) add(word.value ?? word.text);
    // What feeds it: `echo "$SHA  file" | sha256sum -c -`.
    for (const other of commands) {
      if (other.end > command.start) continue;
      if (plumbingOf(shell, other).stages.includes(command)) for (const word of other.args) add(word.value ?? word.text);
    }
  }
  return names;
});

// ---------------------------------------------------------------------------------------------------
// Environment assignments in RUN

export interface Assignment {
  name: string;
  /** The value after quote removal, null when it depends on an expansion. */
  value: string | null;
  /** Offsets (relative to the shell source) of the whole `NAME=value` and of the value text. */
  start: number;
  end: number;
  valueStart: number;
}

/**
 * The assignments that `text` starts with (after `export`, `declare -x`...). Its tokens are read only up to the
 * first other one: the text of a statement may be a whole `if` block, which starts with no assignment.
 */
function assignmentsAtStart(text: string, base: number, out: Assignment[], seen: Set<number>): void {
  lexInto(text, base, (token) => {
    if (token.type !== 'word') return false;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(token.text);
    if (!m) {
      if (token.value !== null && /^(export|declare|typeset|readonly|local)$/.test(token.value!)) return true;
      return token.value !== null && /^-[a-zA-Z]+$/.test(token.value!); // `declare -x`
    }
    if (seen.has(token.start)) return true;
    seen.add(token.start);
    const valueText = token.text.slice(m[0].length);
    const value = valueText === '' ? '' : firstToken(valueText)?.value ?? null;
    out.push({ name: m[1], value, start: token.start, end: token.end, valueStart: token.start + m[0].length });
    return true;
  });
}

/** `NAME=value cmd` prefixes, `env NAME=value cmd`, and `export NAME=value` / `NAME=value` statements at the top level. */
export function assignmentsIn(shell: RunShell): Assignment[] {
  return assignmentsOnce(shell);
}

/** basename(value) === program, without the slice. */
function isProgram(value: string | null, program: string): boolean {
  return value !== null && value.endsWith(program) && (value.length === program.length || value[value.length - program.length - 1] === '/');
}

const assignmentsOnce = memoByScript((shell: RunShell): Assignment[] => {
  const out: Assignment[] = [];
  const seen = new Set<number>();
  for (const command of shell.script.commands) {
    if (command.name.start > command.start) {
      assignmentsAtStart(shell.source.slice(command.start, command.name.start), command.start, out, seen);
    }
    // `env NAME=value cmd` (also behind sudo). (Most commands have no `env` word: found without copying them.)
    if (!isProgram(command.name.value, 'env') && !command.args.some((w) => isProgram(w.value, 'env'))) continue;
    const words = [command.name, ...command.args];
    const at = words.findIndex((w) => isProgram(w.value, 'env'));
    if (words.slice(0, at).some((w) => !/^(sudo|-\S*)$/.test(w.value ?? ''))) continue;
    for (const word of words.slice(at + 1)) {
      if (word.value !== null && word.value.startsWith('-')) continue;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(word.text);
      if (!m || seen.has(word.start)) break;
      seen.add(word.start);
      const valueText = word.text.slice(m[0].length);
      out.push({ name: m[1], value: valueText === '' ? '' : firstToken(valueText)?.value ?? null, start: word.start, end: word.end, valueStart: word.start + m[0].length });
    }
  }
  for (const chain of shell.script.chains) {
    for (const item of chain) {
      if (item.command) continue;
      // Only statements with no command of their own (`export A=1`, `A=1`): others are pipelines etc.
      const text = shell.source.slice(item.start, item.end);
      if (containsCommand(shell.script.commands, item.start, item.end)) {
        const first = firstToken(text, item.start);
        const declaration = first?.type === 'word' && /^(export|declare|typeset|readonly)$/.test(first.value ?? '');
        if (!declaration) continue;
      }
      assignmentsAtStart(text, item.start, out, seen);
    }
  }
  return out.sort((a, b) => a.start - b.start);
});

// ---------------------------------------------------------------------------------------------------
// Text that a RUN writes into files

export interface WrittenText {
  command: ShellCommand;
  /** Words whose text ends up in a file (echo/printf arguments, sed replacements and appended text). */
  words: ShellWord[];
  /** For sed `s` commands: where the replacement starts and ends inside the word's value. */
  parts: Map<ShellWord, { from: number; to: number }>;
  /** Files written (redirection or tee; sed's files), as values or, when dynamic, as written. */
  targets: (string | null)[];
}

/** echo/printf (with their redirection or `| tee` target) and `sed` scripts (replacements only). */
export function writtenTexts(shell: RunShell): WrittenText[] {
  return writtenTextsOnce(shell);
}

const writtenTextsOnce = memoByScript((shell: RunShell): WrittenText[] => {
  const out: WrittenText[] = [];
  for (const command of shell.script.commands) {
    const unwrapped = unwrapCommand(command);
    if (!unwrapped) continue;
    const program = basename(unwrapped.name.value);
    const args = command.args.slice(unwrapped.firstArg);
    if (program === 'echo' || program === 'printf') {
      const words = args.filter((a, i) => !(a.value !== null && /^-[neE]+$/.test(a.value) && i === 0));
      const plumbing = plumbingOf(shell, command);
      const targets: (string | null)[] = [];
      if (plumbing.stdoutFile !== undefined) targets.push(plumbing.stdoutFile ?? plumbing.stdoutText ?? null);
      const tee = plumbing.stages[0];
      if (tee) {
        const u = unwrapCommand(tee);
        if (u && basename(u.name.value) === 'tee') for (const w of tee.args.slice(u.firstArg)) if (!w.value?.startsWith('-')) targets.push(w.value ?? w.text);
      }
      out.push({ command, words, parts: new Map(), targets });
    } else if (program === 'sed') {
      const parts = new Map<ShellWord, { from: number; to: number }>();
      const scripts: ShellWord[] = [];
      let sawScript = false;
      for (let i = 0; i < args.length; i++) {
        const v = args[i].value;
        if (v === '-e' || v === '--expression') { if (args[i + 1]) scripts.push(args[++i]); sawScript = true; continue; }
        if (v !== null && v.startsWith('-')) continue;
        if (!sawScript) { scripts.push(args[i]); sawScript = true; }
      }
      for (const word of scripts) {
        const part = sedWrittenPart(word.value);
        if (part) parts.set(word, part);
      }
      const files = args.filter((a) => !scripts.includes(a) && !(a.value ?? '').startsWith('-')).map((a) => a.value ?? a.text);
      out.push({ command, words: [...parts.keys()], parts, targets: files });
    }
  }
  return out;
});

// A sed command's address and name: `s` and its delimiter; `a`, `i` or `c` and the blanks before their text.
// (`^\s*(?:ADDRESS)?\s*s` is the same language but backtracks quadratically through a long run of blanks.)
export const SED_SUBSTITUTE = /^\s*(?:(?:[0-9$]+|\/[^/]*\/)\s*)?s(.)/;
export const SED_TEXT = /^\s*(?:(?:[0-9$]+|\/[^/]*\/)\s*)?[aic]\\?\s*/;

/** The part of a sed script that is written: the replacement of `s`, or the text of `a`/`i`/`c`. */
function sedWrittenPart(script: string | null): { from: number; to: number } | null {
  if (!script) return null;
  const s = SED_SUBSTITUTE.exec(script);
  if (s) {
    const delim = s[1];
    let i = s[0].length;
    let field = 0;
    let fieldStart = i;
    for (; i < script.length; i++) {
      if (script[i] === '\\') { i++; continue; }
      if (script[i] === delim) {
        if (field === 1) return { from: fieldStart, to: i };
        field++;
        fieldStart = i + 1;
      }
    }
    return field === 1 ? { from: fieldStart, to: script.length } : null;
  }
  const text = SED_TEXT.exec(script);
  return text ? { from: text[0].length, to: script.length } : null;
}

/** Where `word.value` starts inside `word.text` when the text is the value, possibly quoted, else -1. */
function valueOffset(word: ShellWord): number {
  const value = word.value;
  if (value === null) return -1;
  for (const offset of [0, 1]) {
    if (word.text.length === value.length + 2 * offset && word.text.slice(offset, offset + value.length) === value) return offset;
  }
  return -1;
}

/** Matches of `pattern` in the written part of `word`, as source offsets (falls back to the whole word). */
export function matchesInWord(word: ShellWord, pattern: RegExp, part?: { from: number; to: number }): Array<{ start: number; end: number; text: string }> {
  const value = word.value;
  if (value === null) return [];
  const from = part ? part.from : 0;
  // printf/echo -e escapes (`\n`, `\t`) separate lines and fields: blank them (same length).
  const scope = (part ? value.slice(part.from, part.to) : value).replace(/\\[nt]/g, '  ');
  const found: Array<{ start: number; end: number; text: string }> = [];
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
  const offset = valueOffset(word);
  for (const m of scope.matchAll(re)) {
    if (offset >= 0) {
      const at = word.start + offset + from + m.index!;
      found.push({ start: at, end: at + m[0].length, text: m[0] });
      continue;
    }
    const at = word.text.indexOf(m[0]);
    if (at >= 0 && word.text.indexOf(m[0], at + 1) < 0) found.push({ start: word.start + at, end: word.start + at + m[0].length, text: m[0] });
    else found.push({ start: word.start, end: word.end, text: m[0] });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------
// URLs

export interface ParsedUrl {
  scheme: string;
  /** `user:password` part, without the `@`. */
  userinfo: string | null;
  host: string;
  port: string | null;
}

export function parseUrl(url: string): ParsedUrl | null {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?/i.exec(url);
  if (!m) return null;
  return { scheme: m[1].toLowerCase(), userinfo: m[2] ?? null, host: m[3].toLowerCase(), port: m[4] ?? null };
}

/** Hosts that never leave the machine (or the container). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1' || h === '0.0.0.0';
}

// ---------------------------------------------------------------------------------------------------
// ADD operands

export interface AddOperand {
  /** As written (quotes of the JSON form removed). */
  text: string;
  /** After ARG/ENV expansion; null when unknown. */
  value: string | null;
  range: Range;
  start: number;
  end: number;
}

export interface AddOperands {
  sources: AddOperand[];
  dest: AddOperand;
  json: boolean;
}

/** The sources and destination of an ADD (or COPY); null for heredocs or fewer than two operands. */
export function addOperands(model: DockerfileModel, add: Add): AddOperands | null {
  const line = add.getRange().start.line;
  const json = add.getOpeningBracket() !== null && add.getClosingBracket() !== null && add.getJSONStrings().length > 0;
  const operands: AddOperand[] = [];
  if (json) {
    for (const s of add.getJSONStrings()) {
      const range = s.getRange();
      const start = model.offsetAt(range.start);
      const end = model.offsetAt(range.end);
      // dockerfile-ast drops spaces from JSON values: read the string from the document.
      let text: string;
      try { text = JSON.parse(model.text.slice(start, end)) as string; } catch { text = s.getJSONValue(); }
      // The JSON string's range includes its quotes.
      operands.push({ text, value: model.expand(text, line), range: model.rangeOf(start + 1, end - 1), start: start + 1, end: end - 1 });
    }
  } else {
    for (const a of add.getArguments()) {
      const text = a.getValue();
      if (text.startsWith('<<')) return null;
      const unquoted = /^(["']).*\1$/.test(text) ? text.slice(1, -1) : text;
      const start = model.offsetAt(a.getRange().start);
      const end = model.offsetAt(a.getRange().end);
      operands.push({ text: unquoted, value: text.startsWith("'") ? unquoted : model.expand(unquoted, line), range: a.getRange(), start, end });
    }
  }
  if (operands.length < 2) return null;
  return { sources: operands.slice(0, -1), dest: operands[operands.length - 1], json };
}

/** A git repository source of ADD (`https://host/x.git#ref`, `git@host:x`, `git://`, `ssh://`). */
export function isGitSource(source: string): boolean {
  if (/^(git@|git:\/\/|ssh:\/\/|git\+)/i.test(source)) return true;
  const path = source.split('#')[0].split('?')[0];
  return /\.git\/?$/i.test(path);
}

// ---------------------------------------------------------------------------------------------------
// Stages

/** Whether a RUN in `stage` may have a POSIX shell: not scratch/distroless/Windows, no non-POSIX SHELL. */
export function stageHasShell(model: DockerfileModel, stage: Stage, family: string): boolean {
  if (family === 'scratch' || family === 'distroless' || family === 'windows') return false;
  for (let s: Stage | null = stage; s; s = s.parent) {
    const shells = s.instructions.filter((i) => i.getKeyword() === 'SHELL');
    const last = shells[shells.length - 1];
    if (last) return /(^|\/)(ba|da|k|z|a)?sh"/.test(model.index.textIn(last.getArgumentsRange() ?? last.getRange()));
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Edits

/** Document offsets of a shell word, when the document text there is exactly the word. */
export function wordOffsets(model: DockerfileModel, shell: RunShell, word: ShellWord): { start: number; end: number } | null {
  const start = shell.offset + word.start;
  const end = shell.offset + word.end;
  return model.text.slice(start, end) === word.text ? { start, end } : null;
}

/**
 * Removes document text [start, end) that holds whole option words, with the spaces around it: a line
 * left with only a continuation goes whole, otherwise the spaces on one side go.
 */
export function removeSpan(model: DockerfileModel, start: number, end: number): TextEdit | null {
  const text = model.text;
  const index = model.index;
  const line = index.positionAt(start).line;
  const lineStart = index.lineStarts[line];
  const lineEnd = index.lineEnd(line);
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd);
  const esc = model.escapeChar;
  const e1 = esc.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  const continued = (l: number) => l >= 0 && new RegExp(`${e1}[ \\t]*$`).test(index.lineText(l)) && !/^\s*#/.test(index.lineText(l));
  if (/^[ \t]*$/.test(before)) {
    if (!continued(line - 1)) return null; // cannot happen for an option word; stay safe
    // `    --flag \` alone on its line inside a continuation: drop the line.
    if (new RegExp(`^[ \\t]*${e1}[ \\t]*$`).test(after)) {
      const next = line + 1 < index.lineCount ? index.lineStarts[line + 1] : text.length;
      return { range: model.rangeOf(lineStart, next), newText: '' };
    }
    // Last line of the instruction: the previous line's continuation goes with it.
    if (after.trim() === '') {
      const prevEnd = index.lineEnd(line - 1);
      let s = text.lastIndexOf(esc, prevEnd);
      while (s > index.lineStarts[line - 1] && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
      return { range: model.rangeOf(s, end), newText: '' };
    }
  }
  let s = start;
  let e = end;
  while (e < lineEnd && (text[e] === ' ' || text[e] === '\t')) e++;
  if (e === end || e === lineEnd || text.slice(e, lineEnd).trim() === esc) {
    // Nothing (or only a continuation) after: take the spaces before instead.
    e = end;
    while (s > lineStart && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
    if (s === start) {
      while (e < lineEnd && (text[e] === ' ' || text[e] === '\t')) e++;
    }
  }
  return { range: model.rangeOf(s, e), newText: '' };
}

/** Removes option words (`--insecure`, or `-o` and its value) from a RUN. Null when not mechanical. */
export function removeWords(model: DockerfileModel, shell: RunShell, words: ShellWord[]): TextEdit | null {
  const offsets = words.map((w) => wordOffsets(model, shell, w));
  if (offsets.some((o) => o === null)) return null;
  const start = Math.min(...offsets.map((o) => o!.start));
  const end = Math.max(...offsets.map((o) => o!.end));
  // The words must be adjacent (only spaces between them).
  if (model.text.slice(start, end).split(/[ \t]+/).length !== words.length) return null;
  return removeSpan(model, start, end);
}

/** Removes one letter of a short-option group (`-fsSLk` → `-fsSL`); the whole word when it is alone. */
export function removeLetter(model: DockerfileModel, shell: RunShell, option: ParsedOption): TextEdit | null {
  const word = option.word;
  if (word.value === null || word.text !== word.value) return null;
  if (option.letter < 0 || word.value.length === 2) return removeWords(model, shell, [word]);
  const offsets = wordOffsets(model, shell, word);
  if (!offsets) return null;
  const at = offsets.start + option.letter;
  return { range: model.rangeOf(at, at + 1), newText: '' };
}

/** Deletes a whole instruction with its line break. */
export function deleteInstruction(model: DockerfileModel, instruction: Instruction): TextEdit {
  const range = instruction.getRange();
  const index = model.index;
  let start = index.lineStarts[range.start.line];
  let end: number;
  if (range.end.line + 1 < index.lineCount) end = index.lineStarts[range.end.line + 1];
  else {
    end = model.text.length;
    if (range.start.line > 0) start = index.lineEnd(range.start.line - 1);
  }
  return { range: model.rangeOf(start, end), newText: '' };
}
