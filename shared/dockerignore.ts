// Build-context knowledge shared by the two .dockerignore rules. Matching uses @balena/dockerignore,
// which implements Docker's own pattern semantics (the same as `docker build`), not .gitignore's.
import dockerignore from '@balena/dockerignore';
import type { Add, Copy, Flag, Instruction } from 'dockerfile-ast';
import type { DockerfileModel } from './dockerfile';
import type { FileChange, Range, TextEdit } from './types';

/** A COPY/ADD that sends a whole folder of the build context into the image. */
export interface ContextCopy {
  instruction: Instruction;
  /** Range of the source word (`.`, `./`, `src/`). */
  range: Range;
  source: string;
}

function isWholeFolder(source: string): boolean {
  return source === '.' || source === './' || source === '*' || source === './*' || (source.endsWith('/') && !/[*?[]/.test(source));
}

/** COPY/ADD instructions whose sources include a whole folder of the build context (not `--from`, not URLs, not heredocs). */
export function contextCopies(model: DockerfileModel): ContextCopy[] {
  const found: ContextCopy[] = [];
  for (const instruction of model.instructions) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'COPY' && keyword !== 'ADD') continue;
    const copy = instruction as Copy | Add;
    if ((copy.getFlags() as Flag[]).some((f) => f.getName().toLowerCase() === 'from')) continue;
    const args = copy.getArguments();
    if (args.length < 2 || args.some((a) => a.getValue().startsWith('<<'))) continue;
    for (const arg of args.slice(0, -1)) {
      const source = arg.getValue();
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) || source.startsWith('git@')) continue;
      if (isWholeFolder(source)) {
        found.push({ instruction, range: arg.getRange(), source });
        break;
      }
    }
  }
  return found;
}

/** Things that must never reach an image, each with a sample path to test and the pattern that excludes it. */
export const SENSITIVE: ReadonlyArray<{ sample: string; pattern: string; what: string }> = [
  { sample: '.git/HEAD', pattern: '.git', what: '.git' },
  { sample: '.env', pattern: '.env', what: '.env' },
  { sample: '.env.production', pattern: '.env.*', what: '.env.*' },
  { sample: 'id_rsa', pattern: '**/id_rsa*', what: 'SSH keys' },
  { sample: 'deploy/id_ed25519', pattern: '**/id_ed25519*', what: 'SSH keys' },
  { sample: 'certs/server.key', pattern: '**/*.key', what: '*.key' },
  { sample: 'certs/private.pem', pattern: '**/*.pem', what: '*.pem' },
  { sample: '.npmrc', pattern: '**/.npmrc', what: '.npmrc' },
  { sample: '.aws/credentials', pattern: '.aws', what: '.aws' },
];

/** Sensitive entries a .dockerignore text lets into the build context. */
export function unignoredSensitive(text: string): Array<{ sample: string; pattern: string; what: string }> {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const matcher = dockerignore({ ignorecase: false }).add(lines);
  return SENSITIVE.filter((s) => !matcher.ignores(s.sample));
}

export const DEFAULT_DOCKERIGNORE = [
  '# Keep secrets, VCS data and local clutter out of the build context (Docker Seguro 3.2.4).',
  '.git',
  '.gitignore',
  '.env',
  '.env.*',
  '!.env.example',
  '**/id_rsa*',
  '**/id_ed25519*',
  '**/*.key',
  '**/*.pem',
  '**/.npmrc',
  '.aws',
  '**/node_modules',
  '**/*.log',
  '.vscode',
  '.idea',
  '',
].join('\n');

/** A change that creates `.dockerignore` next to the Dockerfile. */
export function createDockerignore(): FileChange {
  const start = { line: 0, character: 0 };
  return { path: '.dockerignore', create: true, edits: [{ range: { start, end: start }, newText: DEFAULT_DOCKERIGNORE }] };
}

/** A change that appends patterns at the end of an existing ignore file. */
export function appendPatterns(file: { path: string; text: string }, patterns: string[]): FileChange {
  const lines = file.text.split(/\r\n|\r|\n/);
  const last = lines.length - 1;
  const end = { line: last, character: lines[last].length };
  const eol = file.text.includes('\r\n') ? '\r\n' : '\n';
  const prefix = file.text.length && !/\r?\n$/.test(file.text) ? eol : '';
  const edit: TextEdit = {
    range: { start: end, end },
    newText: `${prefix}# Added by Dockerfile Seguro: secrets and VCS data stay out of the image${eol}${patterns.join(eol)}${eol}`,
  };
  return { path: file.path, edits: [edit] };
}
