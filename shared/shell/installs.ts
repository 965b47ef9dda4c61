// Install commands of each package ecosystem read as package specs, for the pin-* rules (3.1.3: versions
// fully defined). One place knows how `apt-get install`, `apk add`, `pip install`, `npm install`,
// `gem install`, `go install`/`go get` and `yum`/`dnf`/`zypper install` name their packages, which words
// are options (and their values), which operands are local files or URLs rather than registry packages,
// and when a version is pinned exactly.
//
// Words whose value depends on an expansion (`$PKGS`, `curl=$CURL_VERSION`, `$(cat list)`) are left out
// entirely: their content is only known at build time, and versions are very often passed that way.
import type { Instruction, Run } from 'dockerfile-ast';
import type { DockerfileModel } from '../dockerfile';
import type { Range } from '../types';
import { memoByObject } from '../memo';
import { basename, cutLastLineFrom, packageManagerCall, unwrapCommand, type PackageManagerCall } from './commands';
import { parseShell, type ShellCommand, type ShellScript, type ShellWord } from './parser';
import { lookupTable } from '../lookupTable';

export type Ecosystem = 'apt' | 'apk' | 'pip' | 'npm' | 'gem' | 'go' | 'rpm';

export interface PackageSpec {
  /** The operand as written. */
  word: ShellWord;
  /** Its value (never null: dynamic words are not specs). */
  value: string;
  /** The package name, without version, release or repository qualifiers. */
  name: string;
  /** An exact version is given (as far as the ecosystem's syntax tells). */
  pinned: boolean;
  /**
   * What the operand asks for instead of an exact version, as written: `^1.2`, `>=2.0`, `latest`,
   * `bookworm-backports` (an apt target release), `@testing` (an apk repository tag); null when nothing is.
   */
  constraint: string | null;
  /** How the request reads in a message: the word's value, or `bundler -v '~> 2.4'` when an option gave it. */
  request: string;
}

export interface InstallCall {
  ecosystem: Ecosystem;
  /** The program as written, base name only: `apt-get`, `pip3`, `yarn`, `microdnf`. */
  tool: string;
  /** The subcommand that installs: `install`, `add`, `get`. */
  subcommand: string;
  command: ShellCommand;
  /** Registry packages named on the command line (local files, URLs and dynamic words left out). */
  packages: PackageSpec[];
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

const URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** A path on disk rather than a package name: `./x`, `../x`, `/x`, `~/x`, `.`. */
function isPath(value: string): boolean {
  return value === '.' || value === '..' || value.startsWith('./') || value.startsWith('../') || value.startsWith('/') || value.startsWith('~/');
}

function hasGlob(value: string): boolean {
  return /[*?[\]]/.test(value);
}

function spec(word: ShellWord, name: string, pinned: boolean, constraint: string | null, request = word.value!): PackageSpec {
  return { word, value: word.value!, name, pinned, constraint: constraint === '' ? null : constraint, request };
}

/**
 * Splits a generic command line after the subcommand into options and operands: `valueOptions` take the
 * next word as their value (the `--opt=value` form needs no listing); everything after `--` is an operand
 * unless `stopAtDashDash` says it belongs to another program.
 */
function splitArgs(
  words: ShellWord[], valueOptions: ReadonlySet<string>, stopAtDashDash = false,
): { options: { word: ShellWord; value: ShellWord | null }[]; operands: ShellWord[] } {
  const options: { word: ShellWord; value: ShellWord | null }[] = [];
  const operands: ShellWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const v = word.value;
    if (v === '--') {
      if (!stopAtDashDash) operands.push(...words.slice(i + 1));
      break;
    }
    if (v !== null && v.startsWith('-') && v.length > 1) {
      const takes = valueOptions.has(v) && i + 1 < words.length;
      options.push({ word, value: takes ? words[++i] : null });
      continue;
    }
    operands.push(word);
  }
  return { options, operands };
}

/** The value given to one of `names` (`-t x`, `--type=x`), or undefined when the option is absent. */
function optionValue(options: { word: ShellWord; value: ShellWord | null }[], names: readonly string[]): string | null | undefined {
  for (const { word, value } of options) {
    const v = word.value;
    if (v === null) continue;
    if (names.includes(v)) return value ? value.value : null;
    // short options glued to their value: `-v2.4.10`
    const glued = names.find((n) => /^-[A-Za-z]$/.test(n) && v.startsWith(n) && v.length > 2);
    if (glued) return v.slice(2);
    const eq = v.indexOf('=');
    if (eq > 0 && names.includes(v.slice(0, eq))) return v.slice(eq + 1);
  }
  return undefined;
}

function hasOption(options: { word: ShellWord }[], names: readonly string[]): boolean {
  return options.some(({ word }) => word.value !== null && (names.includes(word.value) || names.some((n) => n.startsWith('--') && word.value!.startsWith(`${n}=`))));
}

/** The words of a call as plain option records (packageManagerCall keeps option values in `options`). */
function managerOptions(call: PackageManagerCall): { word: ShellWord; value: ShellWord | null }[] {
  const out: { word: ShellWord; value: ShellWord | null }[] = [];
  const words = call.options;
  for (let i = 0; i < words.length; i++) {
    const next = words[i + 1];
    const isValue = next && !(next.value !== null && next.value.startsWith('-') && next.value.length > 1);
    out.push({ word: words[i], value: isValue ? next : null });
    if (isValue) i++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// System package managers (through packageManagerCall)

/** `curl`, `curl=7.88.1-10+deb12u5`, `libc6:i386`, `nginx/bookworm-backports`. */
function aptSpec(word: ShellWord, value: string): PackageSpec | null {
  if (/\.deb$/i.test(value) || isPath(value) || URL.test(value)) return null; // local package files
  if (value.startsWith('?') || value.startsWith('~')) return null; // apt search patterns
  if (value.includes('=')) return spec(word, value.slice(0, value.indexOf('=')), true, null);
  if (value.endsWith('-')) return null; // `pkg-` removes the package in the same transaction
  const slash = value.indexOf('/');
  const name = slash > 0 ? value.slice(0, slash) : value; // `g++` is a name: no `pkg+` suffix stripping
  if (hasGlob(name) || !name) return null;
  return spec(word, name, false, slash > 0 ? value.slice(slash + 1) : null);
}

/**
 * apk: `curl=8.5.0-r0`, `curl~8.5`, `curl>8`, `curl<9`. Like hadolint (DL3018), any version operator counts:
 * apk has no lock file, and an explicit constraint shows the version was chosen on purpose. `curl@edge`
 * only picks a repository.
 */
function apkSpec(word: ShellWord, value: string): PackageSpec | null {
  if (/\.apk$/i.test(value) || isPath(value) || URL.test(value)) return null;
  if (value.includes(':')) return null; // providers: `so:libssl.so.3`, `cmd:git`, `pc:zlib`
  const op = value.search(/[=~<>]/);
  if (op > 0) return spec(word, cutLastLineFrom(value.slice(0, op), '@'), true, null);
  const at = value.indexOf('@');
  const name = at > 0 ? value.slice(0, at) : value;
  if (!name || hasGlob(name)) return null;
  return spec(word, name, false, at > 0 ? `@${value.slice(at + 1)}` : null);
}

/**
 * rpm names (yum, dnf, microdnf, tdnf, zypper): a version is `name-version`, `name-version-release`,
 * `name-epoch:version-release.arch`, or an operator (`name = 1.2`, `name>=1.2`, as zypper and dnf accept).
 * The name itself may hold dashes and numbers (`java-17-openjdk`, `gcc-toolset-13`, `libcudnn9-cuda-13`), so
 * a version is recognised by the last dash-separated part: it starts with a digit and holds a `.` or `:`
 * (`nginx-1.24.0`, `nginx-1.24.0-1.el9`, `nginx-1:1.24.0-1.el9.x86_64`), or it and the part before it both
 * start with a digit (`tzdata-2024a-1`). A one-number version (`pkg-2`) is then read as a name: rare, and the
 * finding shows the word. A name made of two numbers at the end (`cuda-toolkit-12-4`) reads as pinned.
 */
function rpmSpec(word: ShellWord, value: string): PackageSpec | null {
  if (/\.rpm$/i.test(value) || isPath(value) || URL.test(value)) return null;
  if (value.startsWith('@')) return null; // groups, environments and module streams: no version to pin
  if (value.includes('(')) return null; // capabilities: `perl(JSON)`, `pkgconfig(zlib)`, `dnf-command(x)`
  if (/^(pattern|patch|product|srcpackage|application):/.test(value)) return null; // zypper non-package kinds
  const op = value.search(/[=<>]/);
  if (op > 0) return spec(word, value.slice(0, op).trim(), true, null);
  const parts = value.replace(/^package:/, '').split('-');
  const last = parts[parts.length - 1];
  const versioned = parts.length > 1 && parts[0] !== '' && /^\d/.test(last)
    && (/[.:]/.test(last) || (parts.length > 2 && /^\d/.test(parts[parts.length - 2])));
  // name-version-release when the part before the last also starts with a digit, else name-version
  if (versioned) return spec(word, parts.slice(0, /^\d/.test(parts[parts.length - 2]) && parts.length > 2 ? -2 : -1).join('-'), true, null);
  if (hasGlob(value)) return null;
  return spec(word, value.replace(/^package:/, ''), false, null);
}

function systemInstall(command: ShellCommand): InstallCall | null {
  const call = packageManagerCall(command);
  if (!call || call.subcommand === null) return null;
  const make = (ecosystem: Ecosystem, parse: (w: ShellWord, v: string) => PackageSpec | null): InstallCall => {
    const packages: PackageSpec[] = [];
    for (const word of call.operands) {
      const found = word.value === null ? null : parse(word, word.value);
      if (found) packages.push(found);
    }
    return { ecosystem, tool: call.tool, subcommand: call.subcommand!, command, packages };
  };
  switch (call.manager) {
    case 'apt':
      return call.subcommand === 'install' ? make('apt', aptSpec) : null;
    case 'apk':
      return call.subcommand === 'add' ? make('apk', apkSpec) : null;
    case 'yum':
    case 'dnf':
      return call.subcommand === 'install' || call.subcommand === 'in' ? make('rpm', rpmSpec) : null;
    case 'zypper': {
      if (call.subcommand !== 'install' && call.subcommand !== 'in') return null;
      // `-t pattern|patch|product|srcpackage`: not packages.
      const type = optionValue(managerOptions(call), ['-t', '--type']);
      if (type !== undefined && type !== 'package') return null;
      return make('rpm', rpmSpec);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// pip

const PIP_GLOBAL_VALUES = new Set([
  '--cache-dir', '--log', '--log-file', '--proxy', '--retries', '--timeout', '--exists-action', '--trusted-host',
  '--cert', '--client-cert', '--python', '--use-feature', '--use-deprecated', '--keyring-provider', '--src',
]);
const PIP_INSTALL_VALUES = new Set([
  ...PIP_GLOBAL_VALUES,
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-t', '--target', '--prefix', '--root',
  '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '--upgrade-strategy', '--platform',
  '--python-version', '--implementation', '--abi', '--only-binary', '--no-binary', '--progress-bar',
  '--global-option', '--install-option', '-C', '--config-settings', '--report', '--root-user-action',
  '--group', '--build-constraint', '-b',
  // uv pip install
  '-p', '--override', '--index', '--default-index', '--index-strategy', '--resolution', '--prerelease',
  '--python-platform', '--link-mode', '--refresh-package', '--reinstall-package', '--upgrade-package', '-P',
  '--config-file', '--directory', '--project', '--color', '--exclude-newer', '--extra', '--torch-backend',
  '--no-build-isolation-package', '--allow-insecure-host',
]);

// name, optional extras, the rest (version specifiers, environment markers)
const PEP508 = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/s;

/** `flask`, `flask==3.0.3`, `flask[async]>=3`, `"flask>=3,<4; python_version>'3.8'"`. */
function pipSpec(word: ShellWord, value: string): PackageSpec | null {
  const v = value.trim();
  if (isPath(v) || v.includes('/') || v.includes('\\') || URL.test(v) || /^(git|hg|svn|bzr)\+/.test(v)) return null;
  if (/\.(whl|zip|tar|tar\.gz|tgz|tar\.bz2|tar\.xz)$/i.test(v)) return null; // local distribution files
  const m = PEP508.exec(v);
  if (!m) return null;
  const [, bare, extras, rest] = m;
  const name = bare + (extras ?? '');
  const requirement = rest.split(';')[0].trim();
  if (requirement.startsWith('@')) return null; // `name @ url`: a direct reference
  if (requirement === '') return spec(word, name, false, null);
  // `==1.2.3`, `===1.2.3` and `==1.2.*` fix the version; `>=`, `~=`, `!=`, `<` leave a range.
  const clauses = requirement.split(',').map((c) => c.trim());
  if (clauses.some((c) => c.startsWith('=='))) return spec(word, name, true, null);
  if (!/^[<>=!~]/.test(requirement)) return null; // not a requirement we understand
  return spec(word, name, false, requirement);
}

/** `pip`, `pip3`, `pip3.12`, `/venv/bin/pip`. */
function isPipProgram(program: string): boolean {
  return program.startsWith('pip') && /^pip(\d+(\.\d+)?)?$/.test(program);
}

function isPythonProgram(program: string): boolean {
  return program.startsWith('python') && /^python(\d+(\.\d+)?)?$/.test(program);
}

function pipInstall(command: ShellCommand, name: ShellWord, firstArg: number, tool: string): InstallCall | null {
  const program = basename(name.value)!;
  let i = firstArg;
  const args = command.args;
  if (isPythonProgram(program)) {
    // python [-u -I ...] -m pip ...
    while (i < args.length && args[i].value !== null && args[i].value!.startsWith('-') && args[i].value !== '-m') {
      if (args[i].value === '-c' || args[i].value === '-W' || args[i].value === '-X') return null;
      i++;
    }
    if (args[i]?.value !== '-m' || !/^pip(\d+)?$/.test(args[i + 1]?.value ?? '')) return null;
    i += 2;
  } else if (program === 'uv') {
    while (i < args.length && args[i].value?.startsWith('-')) i++;
    if (args[i]?.value !== 'pip') return null;
    i++;
  } else if (!isPipProgram(program)) {
    return null;
  }
  // global options, then the subcommand
  while (i < args.length) {
    const v = args[i].value;
    if (v === null) return null;
    if (!v.startsWith('-')) break;
    i += PIP_GLOBAL_VALUES.has(v) ? 2 : 1;
  }
  if (args[i]?.value !== 'install') return null;
  const { options, operands } = splitArgs(args.slice(i + 1), PIP_INSTALL_VALUES);
  // `--no-index --find-links /wheels`: without an index only local archives can be installed, usually
  // wheels built by an earlier step from a requirements file.
  const offline = hasOption(options, ['--no-index']);
  return {
    ecosystem: 'pip',
    tool,
    subcommand: 'install',
    command,
    packages: offline ? [] : operands.flatMap((w) => (w.value === null ? [] : pipSpec(w, w.value) ?? [])),
  };
}

// ---------------------------------------------------------------------------------------------------
// npm, yarn, pnpm, bun

const NPM_INSTALL = new Set(['install', 'i', 'add', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall']);
const NPM_VALUES: Record<string, ReadonlySet<string>> = lookupTable({
  npm: new Set([
    '--prefix', '-C', '--registry', '--cache', '--userconfig', '--globalconfig', '--loglevel', '--omit', '--include',
    '--tag', '-w', '--workspace', '--install-strategy', '--before', '--location', '--fetch-retries', '--fetch-timeout',
    '--proxy', '--https-proxy', '--cafile', '--script-shell', '--only', '--also', '--cpu', '--os', '--libc',
    '--network-timeout',
  ]),
  yarn: new Set(['--cwd', '--registry', '--cache-folder', '--modules-folder', '--mutex', '--network-timeout', '--network-concurrency', '--global-folder', '--prefix', '--link-folder', '--use-yarnrc']),
  pnpm: new Set(['-C', '--dir', '--filter', '-F', '--store-dir', '--registry', '--virtual-store-dir', '--reporter', '--loglevel', '--config-dir', '--global-dir', '--modules-dir']),
  bun: new Set(['--cwd', '--registry', '--cache-dir', '--backend', '--config', '-c', '--cafile', '--network-concurrency', '--filter']),
});

const SEMVER = /^=?v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** `express`, `express@4.19.2`, `@types/node@20.11.5`, `typescript@^5`, `alias@npm:pkg@1.0.0`. */
function npmSpec(word: ShellWord, value: string): PackageSpec | null {
  if (isPath(value) || URL.test(value) || /^(file|link|workspace|portal|patch|git|github|gitlab|bitbucket|gist):/.test(value)) return null;
  if (/\.(tgz|tar\.gz|tar)$/i.test(value)) return null; // tarballs
  const scoped = value.startsWith('@');
  const at = value.indexOf('@', scoped ? 1 : 0);
  const name = at > 0 ? value.slice(0, at) : value;
  // `user/repo` (a GitHub shorthand) is not a registry name; a scoped name has exactly one slash.
  if (scoped ? !/^@[^/@\s]+\/[^/@\s]+$/.test(name) : !/^[^/@\s]+$/.test(name)) return null;
  if (hasGlob(name) || name.includes('#')) return null;
  if (at < 0) return spec(word, name, false, null);
  let range = value.slice(at + 1);
  if (range.startsWith('npm:')) {
    // An alias: what is pinned is the aliased package's version.
    const inner = npmSpec(word, range.slice(4));
    return inner ? { ...inner, name } : null;
  }
  if (URL.test(range) || /^(file|git|github):/.test(range) || range.includes('/')) return null;
  range = range.trim();
  return spec(word, name, SEMVER.test(range), SEMVER.test(range) ? null : range);
}

function npmInstall(command: ShellCommand, firstArg: number, tool: string): InstallCall | null {
  const values = NPM_VALUES[tool];
  if (!values) return null;
  const args = command.args;
  // options before the subcommand (`yarn --cwd x add`, `npm -g install`), and `yarn global add`
  let i = firstArg;
  const before: ShellWord[] = [];
  while (i < args.length && args[i].value?.startsWith('-')) {
    before.push(args[i]);
    i += values.has(args[i].value!) ? 2 : 1;
  }
  if (tool === 'yarn' && args[i]?.value === 'global') i++;
  const sub = args[i]?.value;
  if (!sub) return null;
  const installs = tool === 'npm' ? NPM_INSTALL.has(sub)
    : tool === 'yarn' ? sub === 'add'
    : tool === 'pnpm' ? sub === 'add' || sub === 'install' || sub === 'i'
    : sub === 'add' || sub === 'a' || sub === 'install' || sub === 'i';
  if (!installs) return null;
  const { operands } = splitArgs(args.slice(i + 1), values);
  return {
    ecosystem: 'npm',
    tool,
    subcommand: sub,
    command,
    // `--unsafe-perm true`: npm lets a boolean flag take `true`/`false` as the next word.
    packages: operands.flatMap((w) => (w.value === null || w.value === 'true' || w.value === 'false' ? [] : npmSpec(w, w.value) ?? [])),
  };
}

// ---------------------------------------------------------------------------------------------------
// gem

const GEM_VALUES = new Set([
  '-v', '--version', '-i', '--install-dir', '-n', '--bindir', '--build-root', '-P', '--trust-policy', '-s', '--source',
  '--platform', '-g', '--file', '--without', '--target-rbconfig',
]);

/** An exact gem version: `2.4.10`, `= 2.4.10`, `1.0.0.pre`. */
function exactGemVersion(requirement: string): boolean {
  return /^(=\s*)?\d+(\.[0-9A-Za-z]+)*$/.test(requirement.trim());
}

function gemInstall(command: ShellCommand, firstArg: number, tool: string): InstallCall | null {
  const args = command.args;
  let i = firstArg;
  while (i < args.length && args[i].value?.startsWith('-')) i++;
  const sub = args[i]?.value;
  if (sub !== 'install' && sub !== 'i') return null;
  // Everything after `--` goes to the gem's build (`-- --use-system-libraries`).
  const { options, operands } = splitArgs(args.slice(i + 1), GEM_VALUES, true);
  const version = optionValue(options, ['-v', '--version']);
  const packages: PackageSpec[] = [];
  for (const word of operands) {
    const v = word.value;
    if (v === null || isPath(v) || URL.test(v) || /\.gem$/i.test(v)) continue;
    const colon = v.indexOf(':');
    const name = colon > 0 ? v.slice(0, colon) : v;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) continue;
    // `name:1.2.3` gives the version in the word; `-v` applies to the only gem named.
    const requirement = colon > 0 ? v.slice(colon + 1) : version;
    if (requirement === null) continue; // `-v "$V"`: known at build time only
    if (requirement === undefined) packages.push(spec(word, name, false, null));
    else {
      const exact = exactGemVersion(requirement);
      packages.push(spec(word, name, exact, exact ? null : requirement.trim(), colon > 0 ? v : `${name} -v '${requirement.trim()}'`));
    }
  }
  return { ecosystem: 'gem', tool, subcommand: sub, command, packages };
}

// ---------------------------------------------------------------------------------------------------
// go

const GO_VALUES = new Set([
  '-o', '-p', '-C', '-tags', '-ldflags', '-gcflags', '-asmflags', '-mod', '-modfile', '-pkgdir', '-toolexec', '-exec',
  '-overlay', '-pgo', '-buildmode', '-compiler', '-gccgoflags', '-installsuffix', '-covermode', '-coverpkg',
]);

/** `v1.2.3`, `v0.0.0-20240101000000-abcdef123456`, `v2.0.0+incompatible`, or a commit hash. */
function exactGoVersion(version: string): boolean {
  return /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.]+)?$/.test(version) || /^[0-9a-f]{7,40}$/.test(version);
}

/**
 * `go install example.com/cmd@v1.2.3`. Local packages (`./cmd/...`, `.`) and paths whose first element has
 * no dot (the standard library, or the current module's own packages) are not downloaded from anywhere.
 */
function goSpec(word: ShellWord, value: string): PackageSpec | null {
  if (value.startsWith('.') || value.startsWith('/') || URL.test(value)) return null;
  const at = value.lastIndexOf('@');
  const path = at > 0 ? value.slice(0, at) : value;
  if (!path.split('/')[0].includes('.')) return null;
  if (at < 0) return spec(word, path, false, null);
  const version = value.slice(at + 1);
  if (version === 'none') return null; // `go get x@none` removes a requirement
  return spec(word, path, exactGoVersion(version), exactGoVersion(version) ? null : version);
}

function goInstall(command: ShellCommand, firstArg: number, tool: string): InstallCall | null {
  const args = command.args;
  const sub = args[firstArg]?.value;
  if (sub !== 'install' && sub !== 'get') return null;
  const values = new Set([...GO_VALUES, ...[...GO_VALUES].map((o) => `-${o}`)]);
  const { operands } = splitArgs(args.slice(firstArg + 1), values);
  return {
    ecosystem: 'go',
    tool,
    subcommand: sub,
    command,
    packages: operands.flatMap((w) => (w.value === null ? [] : goSpec(w, w.value) ?? [])),
  };
}

// ---------------------------------------------------------------------------------------------------
// Entry points

/** The install this command runs, of any ecosystem, or null when it installs nothing we can read. */
export function installCall(command: ShellCommand): InstallCall | null {
  return installCallOnce(command);
}

// Read once per parsed command: the pin-* rules, user-root, healthcheck... all ask for every command.
const installCallOnce = memoByObject((command: ShellCommand): InstallCall | null => {
  const system = systemInstall(command);
  if (system) return system;
  const unwrapped = unwrapCommand(command);
  if (!unwrapped || unwrapped.name.value === null) return null;
  const tool = basename(unwrapped.name.value)!;
  if (isPipProgram(tool) || isPythonProgram(tool) || tool === 'uv') return pipInstall(command, unwrapped.name, unwrapped.firstArg, tool);
  if (tool === 'gem') return gemInstall(command, unwrapped.firstArg, tool);
  if (tool === 'go') return goInstall(command, unwrapped.firstArg, tool);
  return npmInstall(command, unwrapped.firstArg, tool);
});

/** Exec form `RUN ["apt-get", "install", "curl"]` as a command whose word offsets are document offsets. */
function execFormCommand(model: DockerfileModel, run: Run): ShellCommand | null {
  if (!run.getOpeningBracket?.() || !run.getClosingBracket?.()) return null;
  const strings = run.getJSONStrings();
  if (!strings.length) return null;
  const words: ShellWord[] = strings.map((s) => {
    const range = s.getRange();
    const start = model.offsetAt(range.start);
    const end = model.offsetAt(range.end);
    // dockerfile-ast drops the spaces inside a JSON string from its value: read the text itself.
    const text = model.text.slice(start, end);
    let value: string | null;
    try {
      const parsed: unknown = JSON.parse(text);
      value = typeof parsed === 'string' ? parsed : null;
    } catch {
      value = null;
    }
    // No shell expands anything in exec form: a `$` there is a mistake we do not read into.
    return { text, value: value !== null && value.includes('$') ? null : value, start, end };
  });
  return { name: words[0], args: words.slice(1), start: words[0].start, end: words[words.length - 1].end };
}

export interface FoundInstall {
  instruction: Instruction;
  call: InstallCall;
  /** The document range of a package's word. */
  rangeOf(spec: PackageSpec): Range;
}

const SHELL_PROGRAMS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);

/**
 * The script of `sh -c '...'`, `bash -ec "..."`, `su user -c "..."`, when the string reads the same to
 * the inner shell as it is written (single quotes, or double quotes without backslashes or backticks), so
 * its offsets map back to the document: `start` is the offset of its first character in the outer source.
 */
function innerScript(command: ShellCommand): { source: string; start: number } | null {
  return innerScriptOnce(command);
}

const innerScriptOnce = memoByObject((command: ShellCommand): { source: string; start: number } | null => {
  const unwrapped = unwrapCommand(command);
  if (!unwrapped) return null;
  const program = basename(unwrapped.name.value);
  const shell = program !== null && SHELL_PROGRAMS.has(program);
  if (!shell && program !== 'su' && program !== 'runuser') return null; // (most commands: no copy of their words)
  const args = command.args.slice(unwrapped.firstArg);
  let at = -1;
  if (shell) {
    // options up to the one holding `c` (`-c`, `-ec`, `-xc`, `-lc`)
    for (let i = 0; i < args.length; i++) {
      const v = args[i].value;
      if (v !== null && /^--[a-z-]+$/.test(v)) continue; // `--login`, `--norc`
      if (v === null || !/^-[A-Za-z]+$/.test(v)) break;
      if (v.includes('c')) { at = i + 1; break; }
    }
  } else { // su, runuser
    at = args.findIndex((w) => w.value === '-c' || w.value === '--command') + 1 || -1;
  }
  const word = at > 0 ? args[at] : undefined;
  if (!word || word.text.length < 2) return null;
  const quote = word.text[0];
  const body = word.text.slice(1, -1);
  if (word.text[word.text.length - 1] !== quote || body.includes(quote)) return null;
  if (quote !== "'" && (quote !== '"' || /[\\`]/.test(body))) return null;
  return { source: body, start: word.start + 1 };
});

/** Commands of a script with the offset their word offsets are relative to (0 for the script's own), `-c` scripts included. */
function commandsWithBase(commands: ShellCommand[], base: number, depth: number, out: Array<{ command: ShellCommand; base: number }>): void {
  for (const command of commands) {
    out.push({ command, base });
    if (depth >= 3) continue;
    const inner = innerScript(command);
    if (inner) commandsWithBase(parseShell(inner.source).commands, base + inner.start, depth + 1, out);
  }
}

/** The installs among commands (`-c` scripts included), with the offset their words are relative to. */
function installsAmong(commands: ShellCommand[]): Array<{ call: InstallCall; base: number }> {
  const all: Array<{ command: ShellCommand; base: number }> = [];
  commandsWithBase(commands, 0, 0, all);
  const installs: Array<{ call: InstallCall; base: number }> = [];
  for (const { command, base } of all) {
    const call = installCall(command);
    if (call) installs.push({ call, base });
  }
  return installs;
}

/** The installs of a script, at offsets relative to it: once per script, which the RUN cache keeps across lints. */
const installsOfScript = memoByObject((script: ShellScript) => installsAmong(script.commands));

/** Every install in the RUN instructions of every stage (shell form, heredocs, exec form), by ecosystem: once per model. */
const installsOfModel = memoByObject((model: DockerfileModel): Map<Ecosystem, FoundInstall[]> => {
  const byEcosystem = new Map<Ecosystem, FoundInstall[]>();
  for (const stage of model.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() !== 'RUN') continue;
      const shell = model.shellOf(instruction);
      const exec = shell ? null : execFormCommand(model, instruction as Run);
      const installs = shell ? installsOfScript(shell.script) : exec ? installsAmong([exec]) : [];
      const offset = shell ? shell.offset : 0;
      for (const { call, base } of installs) {
        let list = byEcosystem.get(call.ecosystem);
        if (!list) byEcosystem.set(call.ecosystem, (list = []));
        const at = offset + base;
        list.push({ instruction, call, rangeOf: (s) => model.rangeOf(at + s.word.start, at + s.word.end) });
      }
    }
  }
  return byEcosystem;
});

/** Every install of `ecosystem` in the RUN instructions of every stage (shell form, heredocs, exec form), in order. */
export function installsIn(model: DockerfileModel, ecosystem: Ecosystem): readonly FoundInstall[] {
  return installsOfModel(model).get(ecosystem) ?? [];
}

/** The finding's message: the package, what it asks for instead of a version, and the pin syntax. */
export function unpinnedMessage(spec: PackageSpec, pinExample: string): { en: string; es: string } {
  if (spec.constraint !== null) {
    return {
      en: `\`${spec.name}\` is installed as \`${spec.request}\`, which is not an exact version: pin it, e.g. \`${pinExample}\`.`,
      es: `\`${spec.name}\` se instala como \`${spec.request}\`, que no es una versión exacta: fíjala, por ejemplo \`${pinExample}\`.`,
    };
  }
  return {
    en: `\`${spec.name}\` is installed without an exact version: pin it, e.g. \`${pinExample}\`.`,
    es: `\`${spec.name}\` se instala sin una versión exacta: fíjala, por ejemplo \`${pinExample}\`.`,
  };
}

export interface UnpinnedPackage {
  spec: PackageSpec;
  call: InstallCall;
  instruction: Instruction;
  range: Range;
}

/** Every package of `ecosystem` installed without an exact version, in document order. */
export function unpinnedIn(model: DockerfileModel, ecosystem: Ecosystem): UnpinnedPackage[] {
  const unpinned: UnpinnedPackage[] = [];
  for (const found of installsIn(model, ecosystem)) {
    for (const spec of found.call.packages) {
      if (!spec.pinned) unpinned.push({ spec, call: found.call, instruction: found.instruction, range: found.rangeOf(spec) });
    }
  }
  return unpinned;
}
