// Files of the build context that rules read besides the Dockerfile (today: its .dockerignore), read the same
// way by the language server and the CLI so that both report the same findings for one file.
//
// Reading is bounded: a file larger than MAX_CONTEXT_FILE_BYTES is not read, and a symlink that leads out of
// the project (the repository holding the Dockerfile, else the Dockerfile's folder) is not followed. Both
// count as "exists but cannot be read", for which the rules stay silent.
import * as fs from 'fs';
import * as path from 'path';
import type { ContextFile } from '../shared/types';

/** Real .dockerignore files are a few KB; anything this large is not one. */
export const MAX_CONTEXT_FILE_BYTES = 1024 * 1024;

/** The repository holding `file`: the first folder up from it that holds `.git`; null outside any. */
export function repositoryRoot(file: string): string | null {
  for (let dir = path.dirname(path.resolve(file)); ;) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The folder a Dockerfile's context files must stay in: its repository, else its own folder. */
export function projectRoot(dockerfile: string): string {
  return repositoryRoot(dockerfile) ?? path.dirname(path.resolve(dockerfile));
}

function inside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Whether `file` exists and its real path (symbolic links followed) is outside `root`. */
export function leavesProject(file: string, root: string): boolean {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return false; // missing: whoever reads it reports that
  }
  let realRoot = root;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    // the root itself is gone: compare with the path as given
  }
  return !inside(realRoot, real);
}

type Read = { text: string } | 'missing' | 'unreadable';

/** Reads `file` if it is a regular file within the size cap whose real path stays under `root`. */
function readBounded(file: string, root: string): Read {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  if (leavesProject(real, root)) return 'unreadable';
  try {
    const stat = fs.statSync(real);
    if (!stat.isFile() || stat.size > MAX_CONTEXT_FILE_BYTES) return 'unreadable';
    return { text: fs.readFileSync(real, 'utf8') };
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
}

/**
 * The ignore file BuildKit would use if the build context is the Dockerfile's folder: `<name>.dockerignore`
 * next to it, else `.dockerignore`. Null when there is none; undefined when one exists but cannot be read
 * (or is too large, or a symlink out of the project).
 */
export function dockerignoreFor(dockerfile: string, root = projectRoot(dockerfile)): ContextFile | null | undefined {
  const folder = path.dirname(path.resolve(dockerfile));
  for (const name of [`${path.basename(dockerfile)}.dockerignore`, '.dockerignore']) {
    const read = readBounded(path.join(folder, name), root);
    if (read === 'missing') continue;
    if (read === 'unreadable') return undefined;
    return { path: name, text: read.text };
  }
  return null;
}
