// Finding the Dockerfiles to lint and reading them. Problems come back as values, never as exceptions,
// so one bad path does not hide the results of the others.
import * as fs from 'fs';
import * as path from 'path';

/** A path that could not be used, with a short reason ("no such file or folder"). */
export interface PathProblem {
  /** As the user typed it, or relative to the current folder for paths found while walking. */
  path: string;
  problem: string;
}

export interface Discovery {
  /** Absolute paths, without duplicates, in argument order; each folder's files sorted. */
  files: string[];
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
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'EISDIR': return 'is a folder';
    default: return String((error as Error)?.message ?? error).split('\n')[0];
  }
}

/** Path as the user should see it: relative to `cwd` when inside it, absolute otherwise. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

export function findDockerfiles(inputs: string[], cwd: string): Discovery {
  const files: string[] = [];
  const problems: PathProblem[] = [];
  const seenFiles = new Set<string>();
  const seenFolders = new Set<string>();

  const addFile = (file: string) => {
    const key = realpath(file) ?? file;
    if (seenFiles.has(key)) return;
    seenFiles.add(key);
    files.push(file);
  };

  const walk = (folder: string) => {
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
      if (isFolder && !SKIPPED_FOLDERS.has(entry.name)) walk(full);
      else if (isFile && isDockerfileName(entry.name)) addFile(full);
    }
  };

  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    let stats: fs.Stats;
    try {
      stats = fs.statSync(absolute);
    } catch (error) {
      problems.push({ path: input, problem: describeError(error) });
      continue;
    }
    if (stats.isDirectory()) walk(absolute);
    else if (stats.isFile()) addFile(absolute); // named explicitly: linted whatever its name
    else problems.push({ path: input, problem: 'not a file or folder' });
  }
  return { files, problems };
}

export type ReadResult = { text: string } | { problem: string };

/** Reads a Dockerfile as UTF-8 without its BOM; binary files (with NUL bytes) are refused. */
export function readDockerfile(file: string): ReadResult {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    return { problem: describeError(error) };
  }
  if (bytes.includes(0)) return { problem: 'binary file (contains NUL bytes), not a Dockerfile' };
  const text = bytes.toString('utf8');
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
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
