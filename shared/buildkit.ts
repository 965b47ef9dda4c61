// BuildKit helpers shared by the rules of 3.1.8 (secrets, SSH, the syntax directive): reading the parser
// directives at the top of the file, the one edit that adds `# syntax=docker/dockerfile:1`, and adding a
// `--mount=...` flag to a RUN.
//
// Parser directives follow BuildKit's reading: `# name=value` lines at the very top, before any blank
// line, comment or instruction. Only `syntax`, `escape` and `check` are directives; any other `# a=b`
// line is a comment and ends the directives. Each may appear once: a second `# syntax=` among them
// fails the build, which is why the insertion below happens only when no syntax directive exists.
//
// Several rules insert the directive together with their own edits. They all use `syntaxDirectiveEdit`,
// so the insertions are identical (same point, same text): fix-all applies edits at the same point in
// separate passes and re-lints in between, and after the first pass the others no longer insert it.
import type { Instruction, Run } from 'dockerfile-ast';
import type { DockerfileModel } from './dockerfile';
import type { Range, TextEdit } from './types';

/** The directive the fixes add: it follows the latest stable 1.x Dockerfile syntax. */
export const SYNTAX_DIRECTIVE = '# syntax=docker/dockerfile:1';

const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
/** `# name = rest`: the rest still holds the blanks around the value. */
const DIRECTIVE_LINE = /^[ \t]*#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=(.*)$/;

/**
 * The name and value of a line shaped like a parser directive, as /^[ \t]*#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=
 * [ \t]*(.+?)[ \t]*$/ reads them, without that expression's quadratic backtracking on long runs of blanks (a 134 KB
 * line took 4 s: fuzz seed 1128008, case 7106): the value is what follows `=` without its surrounding blanks, or,
 * when that is only blanks, the last of them.
 */
export function directiveLine(text: string): { name: string; value: string } | null {
  const match = DIRECTIVE_LINE.exec(text);
  if (!match) return null;
  const rest = match[2];
  if (rest === '') return null;
  let start = 0;
  let end = rest.length;
  while (start < end && (rest[start] === ' ' || rest[start] === '\t')) start++;
  if (start === end) return { name: match[1], value: rest[end - 1] };
  while (rest[end - 1] === ' ' || rest[end - 1] === '\t') end--;
  return { name: match[1], value: rest.slice(start, end) };
}

export interface ParserDirective {
  /** Lower-cased name: `syntax`, `escape` or `check`. */
  name: string;
  value: string;
  /** 0-based line. */
  line: number;
  /** The value's range. */
  valueRange: Range;
}

function bomLength(model: DockerfileModel): number {
  return model.text.charCodeAt(0) === 0xfeff ? 1 : 0;
}

/** The parser directives at the top of the file, in order. */
export function parserDirectives(model: DockerfileModel): ParserDirective[] {
  const out: ParserDirective[] = [];
  const seen = new Set<string>();
  const index = model.index;
  for (let line = 0; line < index.lineCount; line++) {
    const skip = line === 0 ? bomLength(model) : 0;
    const text = index.lineText(line).slice(skip);
    const directive = directiveLine(text);
    if (!directive) break;
    const { value } = directive;
    const name = directive.name.toLowerCase();
    if (!KNOWN_DIRECTIVES.has(name) || seen.has(name)) break;
    seen.add(name);
    const valueStart = skip + text.indexOf(value, text.indexOf('=') + 1);
    out.push({
      name,
      value,
      line,
      valueRange: { start: { line, character: valueStart }, end: { line, character: valueStart + value.length } },
    });
  }
  return out;
}

/** The `# syntax=` directive in effect, or null. */
export function syntaxDirective(model: DockerfileModel): ParserDirective | null {
  return parserDirectives(model).find((d) => d.name === 'syntax') ?? null;
}

export function hasSyntaxDirective(model: DockerfileModel): boolean {
  return syntaxDirective(model) !== null;
}

/**
 * A `# syntax=` line that is not at the top (after a comment, a blank line or an instruction): BuildKit
 * reads it as an ordinary comment. Returns its 0-based line, or -1.
 */
export function misplacedSyntaxLine(model: DockerfileModel): number {
  if (hasSyntaxDirective(model)) return -1;
  for (const comment of model.ast.getComments()) {
    const match = DIRECTIVE_LINE.exec(model.index.lineText(comment.getRange().start.line));
    if (match && match[1].toLowerCase() === 'syntax') return comment.getRange().start.line;
  }
  return -1;
}

/**
 * The edit that inserts `# syntax=docker/dockerfile:1` right after the other parser directives (before
 * the first comment or instruction), or null when the file already has a syntax directive.
 */
export function syntaxDirectiveEdit(model: DockerfileModel): TextEdit | null {
  const directives = parserDirectives(model);
  if (directives.some((d) => d.name === 'syntax')) return null;
  const eol = model.index.eol;
  const line = directives.length;
  if (line < model.index.lineCount) {
    const at = { line, character: line === 0 ? bomLength(model) : 0 };
    return { range: { start: at, end: at }, newText: SYNTAX_DIRECTIVE + eol };
  }
  // Nothing but directives, the last one without a line break.
  const end = { line: line - 1, character: model.index.lineText(line - 1).length };
  return { range: { start: end, end }, newText: eol + SYNTAX_DIRECTIVE };
}

// `docker/dockerfile:1.10`, `docker.io/docker/dockerfile-upstream:1.12-labs`, `docker/dockerfile:1@sha256:...`
const OFFICIAL_FRONTEND = /^(?:docker\.io\/)?docker\/dockerfile(?:-upstream)?:([^@\s]+)(?:@sha256:[0-9a-f]+)?$/i;

/**
 * Whether the file's Dockerfile syntax has a feature introduced in 1.`minor`: true with no directive
 * (`syntaxDirectiveEdit` then adds `docker/dockerfile:1`, the latest 1.x), with `:1`, `:latest`, `:labs`
 * or a 1.x version at least that recent; false for an older pin; null for a frontend we do not know.
 */
export function syntaxSupports(model: DockerfileModel, minor: number): boolean | null {
  const directive = syntaxDirective(model);
  if (!directive) return true;
  const match = OFFICIAL_FRONTEND.exec(directive.value.trim());
  if (!match) return null;
  const tag = match[1].toLowerCase().replace(/-labs$/, '');
  if (tag === '1' || tag === 'latest' || tag === 'labs') return true;
  const version = /^1\.(\d+)(?:\.\d+)?$/.exec(tag);
  if (version) return Number(version[1]) >= minor;
  if (/^0\./.test(tag)) return false;
  return null;
}

// ---------------------------------------------------------------------------------------------------
// RUN --mount

/** The options of a `--mount=a=b,c=d` flag value, keys lower-cased. A mount without `type` is a bind mount. */
export function mountOptions(value: string | null): Map<string, string> {
  const options = new Map<string, string>();
  for (const part of (value ?? '').split(',')) {
    const eq = part.indexOf('=');
    const key = (eq >= 0 ? part.slice(0, eq) : part).trim().toLowerCase();
    if (key) options.set(key, eq >= 0 ? part.slice(eq + 1).trim() : '');
  }
  if (!options.has('type')) options.set('type', 'bind');
  return options;
}

/** The `--mount` flags of a RUN, parsed. */
export function runMounts(run: Instruction): Map<string, string>[] {
  const flags = (run as Run).getFlags?.() ?? [];
  return flags.filter((f) => f.getName().toLowerCase() === 'mount').map((f) => mountOptions(f.getValue()));
}

export function hasMountOfType(run: Instruction, type: string): boolean {
  return runMounts(run).some((m) => m.get('type')?.toLowerCase() === type);
}

/** Inserts ` --mount=<spec>` right after the RUN keyword. */
export function runMountEdit(run: Instruction, spec: string): TextEdit {
  const at = run.getInstructionRange().end;
  return { range: { start: at, end: at }, newText: ` --mount=${spec}` };
}
