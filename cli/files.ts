// Finding the Dockerfiles to lint and reading them. Problems come back as values, never as exceptions,
// so one bad path does not hide the results of the others.
import * as fs from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import { Gitignores } from './gitignore';

/** A path that could not be used, with a short reason ("no such file or folder"). */
export interface PathProblem {
  /** As the user typed it, or relative to the current folder for paths found while walking. */
  path: string;
  problem: string;
}

/** A Dockerfile to lint. */
export interface DiscoveredFile {
  /** Absolute. */
  path: string;
  /** Named on the command line (not found by walking a folder or expanding a glob). */
  explicit: boolean;
}

export interface Discovery {
  /** Without duplicates, in argument order; each folder's files sorted. */
  files: DiscoveredFile[];
  problems: PathProblem[];
}

const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

/** The names VS Code gives the `dockerfile` language (see package.json), minus BuildKit's per-Dockerfile ignore files. */
export function isDockerfileName(name: string): boolean {
  if (name.endsWith('.dockerignore')) return false;
  return name === 'Dockerfile' || name === 'Containerfile'
    || name.endsWith('.Dockerfile') || name.endsWith('.dockerfile')
    || name.startsWith('Dockerfile.') || name.startsWith('Containerfile.');
}

export function describeError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException)?.code) {
    case 'ENOENT': return 'no such file or folder';
    case 'ENOTDIR': return 'no such file or folder';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'EISDIR': return 'is a folder';
    case 'EEXIST': return 'already exists';
    default: return String((error as Error)?.message ?? error).split('\n')[0];
  }
}

/** Path as the user should see it: relative to `cwd` when inside it, absolute otherwise. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** Forward slashes, for formats read by other tools (SARIF, GitHub, diffs). */
export function portablePath(file: string): string {
  return file.split(path.sep).join('/');
}

export function findDockerfiles(inputs: string[], cwd: string): Discovery {
  const files: DiscoveredFile[] = [];
  const problems: PathProblem[] = [];
  const seenFiles = new Set<string>();
  const gitignores = new Gitignores();

  const addFile = (file: string, explicit: boolean) => {
    const key = realpath(file) ?? file;
    if (seenFiles.has(key)) return;
    seenFiles.add(key);
    files.push({ path: file, explicit });
  };

  /** Every Dockerfile under `folder` that no .gitignore excludes, sorted per folder. */
  const walk = (root: string): string[] => {
    const found: string[] = [];
    const top = Gitignores.topFor(root, cwd);
    const seenFolders = new Set<string>();
    const visit = (folder: string) => {
      const real = realpath(folder);
      if (real === null || seenFolders.has(real)) return; // symlink loop or folder already walked
      seenFolders.add(real);
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(folder, { withFileTypes: true });
      } catch (error) {
        problems.push({ path: displayPath(folder, cwd), problem: `cannot read folder: ${describeError(error)}` });
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const full = path.join(folder, entry.name);
        let isFolder = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          const target = statOrNull(full); // dangling links are skipped
          isFolder = target?.isDirectory() ?? false;
          isFile = target?.isFile() ?? false;
        }
        if (isFolder) {
          if (!SKIPPED_FOLDERS.has(entry.name) && !gitignores.isIgnored(top, full, true)) visit(full);
        } else if (isFile && isDockerfileName(entry.name) && !gitignores.isIgnored(top, full, false)) {
          found.push(full);
        }
      }
    };
    visit(root);
    return found;
  };

  /** A quoted glob: the Dockerfiles under its fixed base whose path, or one of whose folders, matches it. */
  const expand = (input: string) => {
    const { base, glob } = picomatch.scan(input);
    const root = path.resolve(cwd, base || '.');
    if (!statOrNull(root)?.isDirectory()) {
      problems.push({ path: input, problem: 'no such file or folder' });
      return;
    }
    const matches = picomatch(glob, { dot: true });
    const before = files.length;
    for (const file of walk(root)) {
      const parts = path.relative(root, file).split(path.sep);
      if (parts.some((_, i) => matches(parts.slice(0, i + 1).join('/')))) addFile(file, false);
    }
    if (files.length === before && !problems.some((p) => p.path === input)) {
      problems.push({ path: input, problem: 'no Dockerfiles match this pattern' });
    }
  };

  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    let stats: fs.Stats;
    try {
      stats = fs.statSync(absolute);
    } catch (error) {
      // Not a path: a glob the shell left alone (quoted, or no match there), expanded here.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && picomatch.scan(input).isGlob) expand(input);
      else problems.push({ path: input, problem: describeError(error) });
      continue;
    }
    if (stats.isDirectory()) for (const file of walk(absolute)) addFile(file, false);
    else if (stats.isFile()) addFile(absolute, true); // named explicitly: linted whatever its name
    else problems.push({ path: input, problem: 'not a file or folder' });
  }
  return { files, problems };
}

export type ReadResult = { text: string; bom: boolean } | { problem: string };

/** Reads a Dockerfile as UTF-8 without its BOM; binary files (with NUL bytes) are refused. */
export function readDockerfile(file: string): ReadResult {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    return { problem: describeError(error) };
  }
  return decodeDockerfile(bytes);
}

/** UTF-8 without the BOM (remembered, to write it back); NUL bytes mean a binary file, not a Dockerfile. */
export function decodeDockerfile(bytes: Buffer): ReadResult {
  if (bytes.includes(0)) return { problem: 'binary file (contains NUL bytes), not a Dockerfile' };
  const text = bytes.toString('utf8');
  const bom = text.charCodeAt(0) === 0xfeff;
  return { text: bom ? text.slice(1) : text, bom };
}

function realpath(file: string): string | null {
  try {
    return fs.realpathSync(file);
  } catch {
    return null;
  }
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}
