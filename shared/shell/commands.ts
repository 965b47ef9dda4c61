// Reading commands the way the shell would run them: through wrappers (sudo, env, ...) and into
// package-manager subcommands, with each tool's options that take a value.
import { memoByObject } from '../memo';
import type { ShellCommand, ShellWord } from './parser';
import { lookupTable } from '../lookupTable';

export type PackageManager = 'apt' | 'apk' | 'yum' | 'dnf' | 'zypper';

/** Managers that share one package index: yum and dnf read the same repository metadata (yum is dnf on RHEL 8+). */
export type ManagerFamily = 'apt' | 'apk' | 'rpm' | 'zypper';

export function managerFamily(manager: PackageManager): ManagerFamily {
  return manager === 'yum' || manager === 'dnf' ? 'rpm' : manager;
}

export interface PackageManagerCall {
  manager: PackageManager;
  /** The executable as written, e.g. `apt-get`, `apt`, `microdnf`. */
  tool: string;
  /** The subcommand (`install`, `update`, ...) or null when none was given. */
  subcommand: string | null;
  subcommandWord: ShellWord | null;
  /** Options before and after the subcommand. */
  options: ShellWord[];
  /** Positional words after the subcommand (packages, usually). */
  operands: ShellWord[];
  command: ShellCommand;
  /** Index in `command.args` where the tool's own words start (after wrappers such as sudo). */
  firstArg: number;
}

const TOOLS: Record<string, PackageManager> = lookupTable({
  'apt-get': 'apt',
  apt: 'apt',
  aptitude: 'apt',
  apk: 'apk',
  yum: 'yum',
  dnf: 'dnf',
  microdnf: 'dnf',
  tdnf: 'dnf',
  zypper: 'zypper',
});

// Options whose value is the next word (the `--opt=value` form needs no listing).
const VALUE_OPTIONS: Record<PackageManager, ReadonlySet<string>> = {
  apt: new Set(['-o', '-c', '-t', '-a', '--option', '--config-file', '--target-release', '--default-release', '--host-architecture']),
  apk: new Set(['-X', '-p', '-t', '--repository', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file', '--virtual', '--timeout']),
  yum: new Set(['-c', '-d', '-e', '-x', '--config', '--installroot', '--releasever', '--exclude', '--enablerepo', '--disablerepo', '--setopt', '--repo', '--repoid', '--disableplugin', '--enableplugin', '--rpmverbosity', '--forcearch', '--downloaddir', '--destdir', '--comment']),
  dnf: new Set(['-c', '-d', '-e', '-x', '--config', '--installroot', '--releasever', '--exclude', '--enablerepo', '--disablerepo', '--setopt', '--repo', '--repoid', '--disableplugin', '--enableplugin', '--rpmverbosity', '--forcearch', '--downloaddir', '--destdir', '--comment']),
  zypper: new Set(['-R', '-r', '-c', '-D', '-C', '-t', '--root', '--repo', '--config', '--reposd-dir', '--cache-dir', '--raw-cache-dir', '--solv-cache-dir', '--pkg-cache-dir', '--type', '--from']),
};

/**
 * Where the real program starts when a command runs through a wrapper:
 * `sudo -E apt-get ...`, `env A=1 apk ...`, `nice -n 5 dnf ...`, `eatmydata apt-get ...`, `xargs -r apt-mark ...`.
 * Returns the program's name word and the index of its first argument in `command.args`.
 */
export function unwrapCommand(command: ShellCommand): { name: ShellWord; firstArg: number } | null {
  return unwrapOnce(command);
}

// Every rule asks for most commands: read each parsed command once (they are shared between lints).
const unwrapOnce = memoByObject((command: ShellCommand): { name: ShellWord; firstArg: number } | null => {
  let name: ShellWord = command.name;
  let i = 0;
  for (let depth = 0; depth < 8; depth++) {
    const program = basename(name.value);
    if (program === null) return null;
    let skipValue: ReadonlySet<string> | null = null;
    switch (program) {
      case 'sudo': skipValue = new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U']); break;
      case 'env': skipValue = new Set(['-u', '-C', '-S']); break;
      case 'nice': skipValue = new Set(['-n']); break;
      case 'xargs': skipValue = new Set(['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-lines', '--max-procs', '--max-chars']); break;
      case 'time': case 'eatmydata': case 'command': case 'exec': case 'nohup': case 'doas':
        skipValue = new Set(); break;
      default:
        return { name, firstArg: i };
    }
    // Skip the wrapper's own options (and env's VAR=value words).
    while (i < command.args.length) {
      const v = command.args[i].value;
      if (v === null) return null;
      if (v === '--') { i++; break; }
      if (v.startsWith('-') && v.length > 1) {
        i += skipValue.has(v) ? 2 : 1;
        continue;
      }
      if (program === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) { i++; continue; }
      break;
    }
    if (i >= command.args.length) return null;
    name = command.args[i];
    i++;
  }
  return null;
});

/** The line terminators of regular expressions (what `.` does not match). */
export const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/**
 * `pattern.exec(value)` for a pattern that spans the whole value with `^…(.*)$` (no `m` or `s` flag), which no value
 * with a line terminator matches: such a value is ruled out first, since the pattern would scan on to the terminator
 * from every `.` or `::` of the value before failing (quadratic).
 */
export function wholeLine(pattern: RegExp, value: string): RegExpExecArray | null {
  return LINE_TERMINATOR.test(value) ? null : pattern.exec(value);
}

/** The text after the last line terminator of `value` (the ones a regular expression's `.` does not match). */
export function lastLineOf(value: string): string {
  for (let i = value.length - 1; i >= 0; i--) {
    const c = value.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return value.slice(i + 1);
  }
  return value;
}

/**
 * `value` without the part of its last line from the first `mark` on: what `value.replace(/=.*$/, '')` gives for
 * `mark` '=', in linear time (that regex tries every `=` and scans on to the next line break, quadratic on a word of
 * thousands of `=` before a line terminator: fuzz seed 1128015 case 6584, 11 s).
 */
export function cutLastLineFrom(value: string, mark: string): string {
  const lineStart = value.length - lastLineOf(value).length;
  const at = value.indexOf(mark, lineStart);
  return at < 0 ? value : value.slice(0, at);
}

/** The program's base name: `/usr/bin/apt-get` → `apt-get`. */
export function basename(value: string | null): string | null {
  if (value === null) return null;
  const slash = value.lastIndexOf('/');
  return slash >= 0 ? value.slice(slash + 1) : value;
}

export function packageManagerCall(command: ShellCommand): PackageManagerCall | null {
  return packageManagerCallOnce(command);
}

const packageManagerCallOnce = memoByObject((command: ShellCommand): PackageManagerCall | null => {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return null;
  const tool = basename(unwrapped.name.value)!;
  const manager = TOOLS[tool];
  if (!manager) return null;
  const valueOptions = VALUE_OPTIONS[manager];
  const options: ShellWord[] = [];
  const operands: ShellWord[] = [];
  let subcommandWord: ShellWord | null = null;
  const args = command.args;
  for (let i = unwrapped.firstArg; i < args.length; i++) {
    const word = args[i];
    const v = word.value;
    if (v !== null && v.startsWith('-') && v.length > 1) {
      options.push(word);
      if (valueOptions.has(v) && i + 1 < args.length) options.push(args[++i]);
      continue;
    }
    if (!subcommandWord) subcommandWord = word;
    else operands.push(word);
  }
  return {
    manager,
    tool,
    subcommand: subcommandWord?.value ?? null,
    subcommandWord,
    options,
    operands,
    command,
    firstArg: unwrapped.firstArg,
  };
});

/** Refreshes the package index and nothing else. */
export function isIndexRefresh(call: PackageManagerCall): boolean {
  switch (call.manager) {
    case 'apt': return call.subcommand === 'update';
    case 'apk': return call.subcommand === 'update';
    case 'yum':
    case 'dnf': return call.subcommand === 'makecache';
    case 'zypper': return call.subcommand === 'refresh' || call.subcommand === 'ref';
  }
}

const NON_CONSUMING: Record<PackageManager, ReadonlySet<string>> = {
  apt: new Set(['update', 'clean', 'autoclean', 'autoremove', 'remove', 'purge']),
  apk: new Set(['update', 'del', 'cache', 'info', 'stats']),
  yum: new Set(['makecache', 'clean', 'remove', 'erase', 'autoremove']),
  dnf: new Set(['makecache', 'clean', 'remove', 'erase', 'autoremove']),
  zypper: new Set(['refresh', 'ref', 'clean', 'cc', 'remove', 'rm', 'addrepo', 'ar', 'removerepo', 'rr']),
};

/** Uses the package index (installs, upgrades, downloads): a refresh in the same RUN is then fine. */
export function consumesIndex(call: PackageManagerCall): boolean {
  if (call.subcommand === null) return false;
  return !NON_CONSUMING[call.manager].has(call.subcommand);
}

// Other programs that read (or rewrite and re-read) a family's package index.
const INDEX_READERS: Record<ManagerFamily, ReadonlySet<string>> = {
  apt: new Set(['apt-cache', 'apt-file', 'apt-mark', 'add-apt-repository', 'apt-rdepends', 'apt-show-versions']),
  apk: new Set(),
  rpm: new Set(['repoquery', 'yumdownloader', 'yum-builddep', 'debuginfo-install']),
  zypper: new Set(),
};

/**
 * `apt-cache policy x`, `apt-mark`, `repoquery`, or any call of the same family's package manager:
 * commands that read the same index, for safety checks.
 */
export function readsIndex(command: ShellCommand, manager: PackageManager): boolean {
  const family = managerFamily(manager);
  const call = packageManagerCall(command);
  if (call) return managerFamily(call.manager) === family;
  const program = basename(unwrapCommand(command)?.name.value ?? null);
  return program !== null && INDEX_READERS[family].has(program);
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox', 'source', '.', 'eval']);

/**
 * Runs code this analysis cannot see into, which may well call a package manager: a shell or a script
 * (`bash setup.sh`, `curl ... | sh`, `./install`, `/opt/tools/setup`, `eval "$X"`) or a program whose name
 * is only known at build time (`$PKG install x`).
 */
export function runsOpaqueCode(command: ShellCommand): boolean {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return true;
  const value = unwrapped.name.value;
  if (value === null) return true;
  const program = basename(value)!;
  if (SHELLS.has(program) || program.endsWith('.sh')) return true;
  // A path outside the system's own bin folders is a script or tool shipped by the image's author.
  return value.includes('/') && !/^\/(usr\/)?s?bin\/[^/]+$/.test(value);
}

// ---------------------------------------------------------------------------------------------------
// Options, pip and rm

/**
 * True when `word` is the long option `long` (also `--long=value`) or a cluster of short options that holds
 * `short` (`-y`, `-qy`, `-yq`). Clusters stop at a letter that takes a value, so pass `valueLetters` to avoid
 * reading `-ofoo` as `-o -f -o -o`.
 */
export function hasOption(words: readonly ShellWord[], short: string | null, long: readonly string[] = [], valueLetters = ''): boolean {
  return words.some((word) => {
    const v = word.value;
    if (v === null) return false;
    if (v.startsWith('--')) {
      const name = v.includes('=') ? v.slice(0, v.indexOf('=')) : v;
      return long.includes(name);
    }
    if (!short || !/^-[A-Za-z0-9]/.test(v)) return false;
    for (const letter of v.slice(1)) {
      if (letter === short) return true;
      if (valueLetters.includes(letter) || !/[A-Za-z0-9]/.test(letter)) return false;
    }
    return false;
  });
}

export interface PipCall {
  /** The program as written: `pip`, `pip3.12`, `python3` (with `-m pip`). */
  tool: string;
  /** The word that names pip (`pip3`) or the interpreter (`python3 -m pip`). */
  toolWord: ShellWord;
  subcommand: string | null;
  subcommandWord: ShellWord | null;
  /** Options before and after the subcommand (with their values when they take one). */
  options: ShellWord[];
  operands: ShellWord[];
  command: ShellCommand;
}

// pip options whose value is the next word.
const PIP_VALUE_OPTIONS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-t', '--target', '--prefix', '--root', '-i', '--index-url',
  '--extra-index-url', '-f', '--find-links', '--platform', '--python-version', '--implementation', '--abi', '--src',
  '--upgrade-strategy', '--global-option', '--config-settings', '-C', '--cache-dir', '--trusted-host', '--log', '--proxy',
  '--retries', '--timeout', '--exists-action', '--cert', '--client-cert', '--progress-bar', '--root-user-action', '--python',
  '--report', '--only-binary', '--no-binary', '--keyring-provider', '--use-feature', '--use-deprecated', '--log-file',
  '--install-option', '--build-option', '--hash',
]);

const PIP = /^pip(\d+(\.\d+)*)?$/;
const PYTHON = /^python(\d+(\.\d+)*)?$/;

/** `pip install x`, `pip3 --no-cache-dir install x`, `python3 -m pip install x`, through wrappers such as sudo. */
export function pipCall(command: ShellCommand): PipCall | null {
  return pipCallOnce(command);
}

const pipCallOnce = memoByObject((command: ShellCommand): PipCall | null => {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return null;
  const program = basename(unwrapped.name.value)!;
  const args = command.args;
  let i = unwrapped.firstArg;
  if (!PIP.test(program)) {
    if (!PYTHON.test(program)) return null;
    // The interpreter's own options, then `-m pip`.
    for (;;) {
      const v = i < args.length ? args[i].value : null;
      if (v === null) return null;
      if (v === '-m') break;
      if (v === '-W' || v === '-X') { i += 2; continue; }
      if (/^-[bBdEhiIOqsSuvx]+$/.test(v)) { i++; continue; }
      return null;
    }
    if (args[i + 1]?.value !== 'pip') return null;
    i += 2;
  }
  const options: ShellWord[] = [];
  const operands: ShellWord[] = [];
  let subcommandWord: ShellWord | null = null;
  for (; i < args.length; i++) {
    const word = args[i];
    const v = word.value;
    if (v !== null && v.startsWith('-') && v.length > 1) {
      options.push(word);
      if (PIP_VALUE_OPTIONS.has(v) && i + 1 < args.length) options.push(args[++i]);
      continue;
    }
    if (!subcommandWord) subcommandWord = word;
    else operands.push(word);
  }
  return {
    tool: program,
    toolWord: unwrapped.name,
    subcommand: subcommandWord?.value ?? null,
    subcommandWord,
    options,
    operands,
    command,
  };
});

/**
 * The paths an `rm` command removes (through wrappers), as written after quote removal; paths only known
 * at build time (`"$TMP"`) are left out. Null when the command is not `rm`.
 */
export function removedPaths(command: ShellCommand): string[] | null {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped || basename(unwrapped.name.value) !== 'rm') return null;
  const paths: string[] = [];
  let options = true;
  for (const word of command.args.slice(unwrapped.firstArg)) {
    const v = word.value;
    if (options && v === '--') { options = false; continue; }
    if (options && v !== null && v.startsWith('-') && v.length > 1) continue;
    if (v !== null) paths.push(v);
  }
  return paths;
}

/**
 * True when removing `path` (an `rm` argument, maybe a glob such as `/var/lib/apt/lists/*`) empties the
 * folder `folder` or removes it: the folder itself, a parent, or every entry of one of them.
 */
export function removesFolder(path: string, folder: string): boolean {
  const clean = (p: string) => p.replace(/(?<!\/)\/+$/, '');
  const target = clean(folder);
  const p = clean(path.replace(/\/\*+$/, ''));
  if (/[*?[]/.test(p)) {
    // `/var/lib/apt/lists/*.lz4` and the like: a glob inside the folder itself still empties most of it.
    return p.startsWith(`${target}/`) && !p.slice(target.length + 1).includes('/');
  }
  return p !== '' && (p === target || target.startsWith(`${p}/`));
}

/**
 * Whether a command lies within [start, end]. Commands come in source order: the search starts at the first one
 * starting there (scanning them all for every statement is quadratic in a RUN of many statements).
 */
export function containsCommand(commands: readonly ShellCommand[], start: number, end: number): boolean {
  let low = 0;
  let high = commands.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (commands[mid].start < start) low = mid + 1;
    else high = mid;
  }
  for (let i = low; i < commands.length && commands[i].start <= end; i++) if (commands[i].end <= end) return true;
  return false;
}

/** `text` without one quote at each end: `text.replace(/^["']|["']$/g, '')` without reading the rest of it. */
export function stripEdgeQuotes(text: string): string {
  const start = text.length > 0 && (text[0] === '"' || text[0] === "'") ? 1 : 0;
  const last = text.length - 1;
  const end = last >= start && (text[last] === '"' || text[last] === "'") ? last : text.length;
  return text.slice(start, end);
}
