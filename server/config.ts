// Configuration files for the language server and the CLI: discovery (from the Dockerfile's folder upward to
// the repository root), YAML/JSON parsing with line numbers, `extends`, hadolint's config as a fallback, and
// a cache that re-reads a file only when its mtime or size changed. Validation itself is in shared/config.ts.
import * as fs from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import {
  CONFIG_FILE_NAMES, HADOLINT_FILE_NAMES, mapHadolintConfig, mergeConfigs, validateConfig,
  type ConfigData, type ConfigIssue, type ConfigPath,
} from '../shared/config';
import type { LintOptions, Locale, Range, SeveritySetting } from '../shared/types';
import { leavesProject, MAX_CONTEXT_FILE_BYTES, repositoryRoot } from './contextFiles';

export type ConfigKind = 'dockerfile-seguro' | 'hadolint';

export interface ResolvedConfig {
  /** The config file that applies (after `extends`), or null when none was found or --no-config. */
  source: string | null;
  rules: Record<string, SeveritySetting>;
  trustedRegistries?: string[];
  requiredLabels?: string[];
  locale?: Locale;
  /** Globs (relative to the config file's folder) of Dockerfiles not to lint: use `isIgnoredPath`. */
  ignorePaths: string[];
  /** The folder `ignorePaths` are relative to: that of the file (in the `extends` chain) that set them. */
  ignoreRoot?: string;
  /** What `source` is: our own file, or a `.hadolint.yaml` used because there is none of ours. */
  kind?: ConfigKind;
  /** Every config file read: `source` first, then the files it extends. */
  files?: string[];
}

/** A problem in a config file, with the place it is at (1-based line, 0 when unknown) for the editor and the CLI. */
export class ConfigError extends Error {
  /** The message without the file and line. */
  readonly detail: string;
  /** 0-based LSP range of the key or value, when known. */
  range?: Range;
  /** Every problem found (this one first): the CLI prints them all. */
  all: ConfigError[] = [this];

  constructor(readonly file: string, readonly line: number, readonly key: string | null, message: string) {
    const shown = displayPath(file);
    super(`${line > 0 ? `${shown}:${line}` : shown}: ${key ? `${key}: ` : ''}${message}`);
    this.name = 'ConfigError';
    this.detail = message;
  }
}

export interface LoadOptions {
  /** --config PATH: use this file instead of discovery. */
  configPath?: string;
  /** --no-config: ignore config files. */
  noConfig?: boolean;
}

export interface ConfigResult {
  config: ResolvedConfig;
  /** Every problem of every file read (the config still holds what was valid). */
  errors: ConfigError[];
}

const EMPTY: ResolvedConfig = { source: null, rules: {}, ignorePaths: [] };

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function describeError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
    case 'ENOTDIR': return 'no such file';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a folder';
    default: return String((error as Error)?.message ?? error).split('\n')[0];
  }
}

export function kindOf(file: string): ConfigKind {
  return /^\.?hadolint\.ya?ml$/i.test(path.basename(file)) ? 'hadolint' : 'dockerfile-seguro';
}

/** True for the names the server watches: `.dockerfile-seguro.{yaml,yml,json}` and `.hadolint.{yaml,yml}`. */
export function isConfigFileName(file: string): boolean {
  const name = path.basename(file);
  return (CONFIG_FILE_NAMES as readonly string[]).includes(name) || (HADOLINT_FILE_NAMES as readonly string[]).includes(name);
}

// ---- parsing with positions -----------------------------------------------------------------------

export interface ParsedConfigText {
  /** The data, or undefined when the YAML/JSON is invalid. */
  data: unknown;
  errors: ConfigError[];
  /** Turns a key path into a ConfigError placed on that key (or its value). */
  errorAt(path: ConfigPath, at: 'key' | 'value', message: string): ConfigError;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** The node of a key path: its key node (`at: 'key'`) or value node, as deep as the path exists. */
function nodeAt(doc: Document, keyPath: ConfigPath, at: 'key' | 'value'): YamlNode | null {
  let node = doc.contents as YamlNode | null;
  let found: YamlNode | null = node;
  for (let i = 0; i < keyPath.length && node; i++) {
    const segment = keyPath[i];
    const last = i === keyPath.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(segment));
      if (!pair) break;
      const key = pair.key as YamlNode | null;
      const value = pair.value as YamlNode | null;
      if (last && at === 'key') return key ?? found;
      node = value;
      found = value ?? key ?? found;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = (node.items[segment] as YamlNode | undefined) ?? null;
      if (node) found = node;
    } else {
      break;
    }
  }
  return found;
}

/** Parses `.dockerfile-seguro.*` or `.hadolint.*` text (JSON is parsed as YAML, of which it is a subset). */
export function parseConfigText(file: string, text: string): ParsedConfigText {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line - 1, character: col - 1 };
  };
  const placed = (offsets: [number, number], key: string | null, message: string) => {
    const range = { start: position(offsets[0]), end: position(Math.max(offsets[0], offsets[1])) };
    const error = new ConfigError(file, range.start.line + 1, key, message);
    error.range = range;
    return error;
  };
  const errors = doc.errors.map((e) => placed([e.pos[0], e.pos[1]], null,
    `invalid ${path.extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`));
  const errorAt = (keyPath: ConfigPath, at: 'key' | 'value', message: string): ConfigError => {
    const key = keyPath.length ? keyPath.map(String).join('.') : null;
    const node = errors.length ? null : nodeAt(doc, keyPath, at);
    if (!node?.range) return placed([0, 0], key, message);
    return placed([node.range[0], node.range[1]], key, message);
  };
  return { data: errors.length ? undefined : doc.toJS({ maxAliasCount: 100 }), errors, errorAt };
}

// ---- discovery ------------------------------------------------------------------------------------

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export interface FoundConfig {
  path: string;
  kind: ConfigKind;
}

/**
 * The config file for Dockerfiles in `folder`: the nearest `.dockerfile-seguro.{yaml,yml,json}` from `folder`
 * upward to the repository root (the first folder holding `.git`) or the filesystem root; failing that, the
 * nearest `.hadolint.{yaml,yml}` on the same way.
 */
export function findConfig(folder: string): FoundConfig | null {
  let hadolint: string | null = null;
  for (let dir = path.resolve(folder); ;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (isFile(candidate)) return { path: candidate, kind: 'dockerfile-seguro' };
    }
    if (!hadolint) hadolint = HADOLINT_FILE_NAMES.map((n) => path.join(dir, n)).find(isFile) ?? null;
    if (fs.existsSync(path.join(dir, '.git'))) break;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return hadolint ? { path: hadolint, kind: 'hadolint' } : null;
}

// ---- loading --------------------------------------------------------------------------------------

interface CachedFile {
  mtimeMs: number;
  size: number;
  parsed: ParsedConfigText;
}

interface Loaded {
  config: ConfigData;
  /** Folder the config's ignorePaths are relative to. */
  ignoreRoot?: string;
  files: string[];
}

/**
 * Reads config files with a cache: a file is parsed again only when its mtime or size changed. With
 * `cacheDiscovery` (the server, when the client watches config files for it) the result of the upward
 * search is also kept per folder until `invalidate()`.
 */
export class ConfigLoader {
  private readonly files = new Map<string, CachedFile>();
  private readonly discovery = new Map<string, FoundConfig | null>();

  constructor(private readonly cacheDiscovery = false) {}

  /** Forgets everything: call it when a config file was created, changed or deleted. */
  invalidate(): void {
    this.files.clear();
    this.discovery.clear();
  }

  find(folder: string): FoundConfig | null {
    if (!this.cacheDiscovery) return findConfig(folder);
    const key = path.resolve(folder);
    if (!this.discovery.has(key)) this.discovery.set(key, findConfig(key));
    return this.discovery.get(key)!;
  }

  /** The configuration for a Dockerfile; never throws (problems are in `errors`). */
  resolve(dockerfilePath: string, options: LoadOptions = {}): ConfigResult {
    if (options.noConfig) return { config: { ...EMPTY, rules: {} }, errors: [] };
    let found: FoundConfig | null;
    if (options.configPath) {
      const file = path.resolve(options.configPath);
      found = { path: file, kind: kindOf(file) };
    } else {
      found = this.find(path.dirname(path.resolve(dockerfilePath)));
    }
    if (!found) return { config: { ...EMPTY, rules: {} }, errors: [] };
    const errors: ConfigError[] = [];
    const loaded = this.load(found.path, found.kind, [], errors);
    const data = loaded?.config ?? {};
    const config: ResolvedConfig = {
      source: found.path,
      kind: found.kind,
      rules: { ...data.rules },
      ignorePaths: data.ignorePaths ?? [],
      ...(data.ignorePaths && loaded?.ignoreRoot ? { ignoreRoot: loaded.ignoreRoot } : {}),
      ...(data.trustedRegistries ? { trustedRegistries: data.trustedRegistries } : {}),
      ...(data.requiredLabels ? { requiredLabels: data.requiredLabels } : {}),
      ...(data.locale ? { locale: data.locale } : {}),
      files: loaded?.files ?? [found.path],
    };
    return { config, errors };
  }

  /**
   * The problems of one config file whose current text (maybe unsaved, from the editor) is `text`; files
   * it extends are read from disk, but only this file's own problems are returned.
   */
  check(file: string, text: string): ConfigError[] {
    const errors: ConfigError[] = [];
    const absolute = path.resolve(file);
    this.load(absolute, kindOf(absolute), [], errors, text);
    return errors.filter((e) => e.file === absolute);
  }

  private read(file: string): ParsedConfigText | { problem: string } {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
      if (!stat.isFile()) return { problem: 'is a folder' };
      if (stat.size > MAX_CONTEXT_FILE_BYTES) return { problem: `is larger than ${MAX_CONTEXT_FILE_BYTES / 1024 / 1024} MB` };
    } catch (error) {
      return { problem: describeError(error) };
    }
    const cached = this.files.get(file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.parsed;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      return { problem: describeError(error) };
    }
    const parsed = parseConfigText(file, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    this.files.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, parsed });
    return parsed;
  }

  private load(file: string, kind: ConfigKind, chain: string[], errors: ConfigError[], text?: string): Loaded | null {
    const parsed = text !== undefined ? parseConfigText(file, text) : this.read(file);
    if ('problem' in parsed) {
      errors.push(new ConfigError(file, 0, null, `cannot read the config file: ${parsed.problem}`));
      return null;
    }
    errors.push(...parsed.errors);
    if (parsed.data === undefined) return { config: {}, files: [file] };
    const place = (issue: ConfigIssue) => parsed.errorAt(issue.path, issue.at, issue.message);

    if (kind === 'hadolint') {
      const mapped = mapHadolintConfig(parsed.data);
      errors.push(...mapped.issues.map(place));
      return { config: mapped.config, files: [file] };
    }

    const { config: own, issues } = validateConfig(parsed.data);
    errors.push(...issues.map(place));
    const ownRoot = own.ignorePaths ? path.dirname(file) : undefined;
    if (!own.extends) return { config: own, ignoreRoot: ownRoot, files: [file] };

    const target = path.resolve(path.dirname(file), own.extends);
    const here = [...chain, file];
    const show = (p: string) => path.relative(path.dirname(file), p) || path.basename(p);
    // A config file in a repository only builds on files of that repository (no reading of arbitrary files).
    const root = repositoryRoot(chain[0] ?? file);
    if (root !== null && leavesProject(target, root)) {
      errors.push(parsed.errorAt(['extends'], 'value', `"extends" leads out of the repository (${root}): ${own.extends}`));
      return { config: mergeConfigs({}, own), ignoreRoot: ownRoot, files: here };
    }
    if (here.includes(target)) {
      const cycle = [...here.slice(here.indexOf(target)), target].map(show).join(' → ');
      errors.push(parsed.errorAt(['extends'], 'value', `"extends" makes a cycle: ${cycle}`));
      return { config: mergeConfigs({}, own), ignoreRoot: ownRoot, files: here };
    }
    const before = errors.length;
    const base = this.load(target, kindOf(target), here, errors);
    if (!base) {
      // Unreadable: report it on our `extends` line, not on a file that does not exist.
      const problem = errors.splice(before).map((e) => e.detail.replace(/^cannot read the config file: /, '')).join('; ');
      errors.push(parsed.errorAt(['extends'], 'value', `cannot read "${own.extends}": ${problem}`));
      return { config: mergeConfigs({}, own), ignoreRoot: ownRoot, files: here };
    }
    return {
      config: mergeConfigs(base.config, own),
      ignoreRoot: ownRoot ?? base.ignoreRoot,
      files: [file, ...base.files.filter((f) => f !== file)],
    };
  }
}

/** Shared by the calls of `loadConfigFor` in one process (the CLI lints many files with one config). */
const defaultLoader = new ConfigLoader();

/** The configuration that applies to a Dockerfile: found from its folder upward to the repository root. Throws ConfigError. */
export function loadConfigFor(dockerfilePath: string, options: LoadOptions = {}): ResolvedConfig {
  const { config, errors } = defaultLoader.resolve(dockerfilePath, options);
  if (errors.length) {
    const [first] = errors;
    first.all = errors;
    throw first;
  }
  return config;
}

/** Lint options for the engine from a resolved config (settings from the editor or CLI flags are layered on top by the caller). */
export function lintOptionsFrom(config: ResolvedConfig): LintOptions {
  return {
    rules: config.rules,
    ...(config.trustedRegistries ? { trustedRegistries: config.trustedRegistries } : {}),
    ...(config.requiredLabels ? { requiredLabels: config.requiredLabels } : {}),
    ...(config.locale ? { locale: config.locale } : {}),
  };
}

const matchers = new Map<string, (p: string) => boolean>();

/**
 * True when `file` matches the config's `ignorePaths` (globs relative to `ignoreRoot`, `.` files included);
 * a glob naming a folder covers everything below it.
 */
export function isIgnoredPath(config: ResolvedConfig, file: string): boolean {
  if (!config.ignorePaths.length || !config.ignoreRoot) return false;
  const relative = path.relative(config.ignoreRoot, path.resolve(file)).split(path.sep).join('/');
  if (!relative || relative === '..' || relative.startsWith('../') || path.isAbsolute(relative)) return false;
  const patterns = config.ignorePaths.map((p) => p.replace(/^\.\//, '').replace(/^\//, '').replace(/(?<!\/)\/+$/, '')).filter(Boolean);
  const key = JSON.stringify(patterns);
  let isMatch = matchers.get(key);
  if (!isMatch) {
    isMatch = picomatch(patterns, { dot: true });
    matchers.set(key, isMatch);
  }
  const parts = relative.split('/');
  for (let i = parts.length; i > 0; i--) if (isMatch(parts.slice(0, i).join('/'))) return true;
  return false;
}
