// --fix and --fix-dry-run: the safe fixes (kind 'quickfix') planned in memory, then written without ever
// leaving a half-written file: a temporary file in the same folder, renamed over the original.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { fixAll, lint, type EngineOptions } from '../shared/engine';
import { applyEdits, rangesOverlap } from '../shared/textDocument';
import type { Fix, TextEdit } from '../shared/types';
import { describeError } from './files';

/** Another file of the build context a fix changes (e.g. `.dockerignore`). */
export interface OtherFile {
  /** Absolute. */
  path: string;
  /** Null: the file does not exist and is created. */
  before: string | null;
  after: string;
}

export interface FixPlan {
  /** The Dockerfile's new text (without BOM; line endings and final newline as in the original). */
  text: string;
  /** Fixes applied. */
  applied: number;
  others: OtherFile[];
  /** Fixes left out because they change other files and there are none (standard input). */
  skipped: number;
  /** The options with the build context as the fixes leave it (e.g. a created .dockerignore). */
  options: EngineOptions;
}

const MAX_ROUNDS = 5;

function firstQuickfix(fixes: Fix[]): Fix | undefined {
  return fixes.find((f) => f.kind === 'quickfix');
}

/** Keeps the file's conventions that a fix could disturb: CRLF line endings and the final newline or its absence. */
export function keepConventions(original: string, fixed: string): string {
  let text = fixed;
  if (original.includes('\r\n') && !/(^|[^\r])\n/.test(original)) text = text.replace(/\r?\n/g, '\r\n');
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const endsWithNewline = (s: string) => s.endsWith('\n');
  if (original && text && endsWithNewline(original) !== endsWithNewline(text)) {
    text = endsWithNewline(original) ? text + eol : text.replace(/\r?\n$/, '');
  }
  return text;
}

/**
 * Applies the quick fixes of `text` until nothing changes. `fixAll` knows nothing of other files: given a
 * fix that also changes one, it would apply the Dockerfile edits alone (again at every pass, as the finding
 * stays). So the rules that produce such fixes are fixed here, one pass per round with their files read
 * from `folder` and the build context the engine sees updated; every other rule goes through `fixAll`.
 * `folder` null (standard input): fixes touching other files are left out.
 */
export function planFixes(text: string, options: EngineOptions, folder: string | null): FixPlan {
  let current = text;
  let applied = 0;
  const others = new Map<string, OtherFile>();
  const fileRules = new Set<string>();
  const opts: EngineOptions = { ...options, context: options.context ? { ...options.context } : undefined };

  const contentOf = (file: string): string | null => {
    const planned = others.get(file);
    if (planned) return planned.after;
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  };

  /** The fix's changes to other files, or null when one cannot be made as the fix says. */
  const changesOf = (fix: Fix) => fix.files!.map((change) => {
    const target = path.resolve(folder!, change.path);
    const inside = !path.relative(folder!, target).startsWith('..') && !path.isAbsolute(change.path);
    const existing = contentOf(target);
    // Never outside the Dockerfile's folder; never "create" over a file that exists.
    if (!inside || (change.create ? existing !== null : existing === null)) return null;
    return { target, base: existing, after: applyEdits(existing ?? '', change.edits) };
  });

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = current;
    const findings = lint(current, opts);
    for (const f of findings) if (firstQuickfix(f.fixes)?.files?.length) fileRules.add(f.ruleId);
    const edits: TextEdit[] = [];
    let appliedHere = 0;
    for (const finding of findings) {
      const fix = firstQuickfix(finding.fixes);
      if (!fix || !fileRules.has(finding.ruleId)) continue;
      // Like fixAll: no overlapping edits, no two insertions at one point, in the same pass.
      if (fix.edits.some((e) => edits.some((b) => rangesOverlap(e.range, b.range) || samePoint(e, b)))) continue;
      if (fix.files?.length) {
        if (folder === null) continue;
        const changes = changesOf(fix);
        if (changes.some((c) => c === null)) continue;
        for (const { target, base, after } of changes as NonNullable<(typeof changes)[number]>[]) {
          const planned = others.get(target);
          others.set(target, { path: target, before: planned ? planned.before : base, after });
          const known = opts.context?.dockerignore;
          const relative = path.relative(folder, target).split(path.sep).join('/');
          if (opts.context && (known === null || known?.path === relative)) opts.context.dockerignore = { path: relative, text: after };
        }
      }
      edits.push(...fix.edits);
      appliedHere++;
    }
    if (edits.length > 0) current = applyEdits(current, edits);
    const result = fixAll(current, opts, (ruleId) => !fileRules.has(ruleId));
    current = result.text;
    applied += appliedHere + result.applied;
    if (current === before && appliedHere === 0) break;
  }
  const skipped = folder === null ? lint(current, opts).filter((f) => firstQuickfix(f.fixes)?.files?.length).length : 0;
  return { text: keepConventions(text, current), applied, others: [...others.values()], skipped, options: opts };
}

function samePoint(a: TextEdit, b: TextEdit): boolean {
  return a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character;
}

/** Why a file cannot be replaced, or null. A file or folder without write permission bits counts as read-only, even for root. */
export function writeProblem(file: string): string | null {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(file);
  } catch (error) {
    return describeError(error);
  }
  if ((stats.mode & 0o222) === 0) return 'read-only file';
  const folder = path.dirname(file);
  try {
    if ((fs.statSync(folder).mode & 0o222) === 0) return 'read-only folder';
    fs.accessSync(file, fs.constants.W_OK);
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (error) {
    return describeError(error);
  }
  return null;
}

/**
 * Replaces `file` with `contents` all at once: writes a temporary file next to it (same mode and, when
 * possible, owner), flushes it, then renames it over the original. Symbolic links are followed, so the link
 * stays a link. Throws with a short message; the original is untouched then.
 */
export function replaceFile(file: string, contents: string | Buffer): void {
  const real = fs.realpathSync(file);
  const problem = writeProblem(real);
  if (problem) throw new Error(problem);
  const stats = fs.statSync(real);
  const temp = path.join(path.dirname(real), `.${path.basename(real)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(temp, 'wx', stats.mode & 0o7777);
    fs.writeSync(fd, typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.chmodSync(temp, stats.mode & 0o7777); // the umask may have cleared bits
    if (process.getuid?.() === 0) {
      try {
        fs.chownSync(temp, stats.uid, stats.gid);
      } catch {
        // best effort
      }
    }
    fs.renameSync(temp, real);
  } catch (error) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw new Error(describeError(error));
  }
}

/** Writes a planned other file: created exclusively, appended to when the fix only adds at its end, else replaced. Returns what was done. */
export function writeOther(file: OtherFile): 'created' | 'updated' {
  try {
    if (file.before === null) {
      fs.writeFileSync(file.path, file.after, { flag: 'wx' });
      return 'created';
    }
    if (file.after.startsWith(file.before)) {
      const problem = writeProblem(file.path);
      if (problem) throw new Error(problem);
      fs.appendFileSync(file.path, file.after.slice(file.before.length));
      return 'updated';
    }
  } catch (error) {
    throw new Error(describeError(error));
  }
  replaceFile(file.path, file.after);
  return 'updated';
}
