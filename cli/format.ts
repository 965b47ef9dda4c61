// Output formats. Each one turns the results of a run into the text printed on stdout; a new format is
// one more entry in FORMATTERS. text and json are here, the formats for other tools in formats/.
import { SEVERITIES, type Finding, type Locale, type Severity } from '../shared/types';
import { formatCheckstyle } from './formats/checkstyle';
import { formatGithub } from './formats/github';
import { formatSarif } from './formats/sarif';

export interface FileResult {
  /** Path as shown to the user (relative to the current folder when inside it). */
  file: string;
  /** Sorted by position, as the engine returns them. */
  findings: Finding[];
  /** The text that was linted (without BOM), for formats that quote lines (SARIF fingerprints). */
  text: string;
}

export interface FormatContext {
  /** ANSI colours allowed (only meaningful for human-oriented formats). */
  color: boolean;
  /** Language of texts the formatter adds (rule descriptions in SARIF). */
  locale: Locale;
  /** Of the tool. */
  version: string;
  /** Rule id → severity of every rule that ran, in the catalogue's order (SARIF lists them). */
  rules: ReadonlyMap<string, Severity>;
}

export type Formatter = (results: FileResult[], context: FormatContext) => string;

/** Colour only on a terminal, and never when NO_COLOR is set to a non-empty value (https://no-color.org). */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

// ---- text -----------------------------------------------------------------------------------------

const STYLES = {
  bold: [1, 22], dim: [2, 22], red: [31, 39], yellow: [33, 39], cyan: [36, 39], green: [32, 39],
} as const;
type Style = keyof typeof STYLES;

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'cyan', hint: 'dim' };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function summary(results: ReadonlyArray<{ findings: Finding[] }>): string {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const { findings } of results) for (const f of findings) counts[f.severity]++;
  const total = SEVERITIES.reduce((sum, s) => sum + counts[s], 0);
  const files = plural(results.length, 'file');
  if (total === 0) return `No problems found in ${files}`;
  return `${plural(total, 'problem')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, `
    + `${counts.info} info, ${plural(counts.hint, 'hint')}) in ${files}`;
}

/** `file:line:col: severity: message [rule-id]` (1-based) plus the guide link, files separated by a blank line. */
export const formatText: Formatter = (results, { color }) => {
  const paint = (style: Style, text: string) => (color ? `\x1b[${STYLES[style][0]}m${text}\x1b[${STYLES[style][1]}m` : text);
  if (results.length === 0) return '';
  const groups: string[] = [];
  for (const { file, findings } of results) {
    if (findings.length === 0) continue;
    groups.push(findings.map((f) => {
      const where = `${file}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
      return `${paint('bold', where)}: ${paint(SEVERITY_STYLE[f.severity], f.severity)}: ${f.message} ${paint('dim', `[${f.ruleId}]`)}\n`
        + `    ${paint('dim', `guide ${f.guideSection}:`)} ${f.url}\n`;
    }).join(''));
  }
  const hasErrors = results.some((r) => r.findings.some((f) => f.severity === 'error'));
  const hasFindings = results.some((r) => r.findings.length > 0);
  const last = summary(results);
  const styled = hasErrors ? paint('red', paint('bold', last)) : hasFindings ? paint('yellow', paint('bold', last)) : paint('green', last);
  return [...groups, `${styled}\n`].join('\n');
};

// ---- json -----------------------------------------------------------------------------------------

export interface JsonFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  guideSection: string;
  url: string;
  /** 0-based, UTF-16 code units, end exclusive: exactly an LSP range. */
  range: Finding['range'];
  /** A `quickfix` exists (the editor's fix-all would apply it). */
  fixable: boolean;
}

export interface JsonFileResult {
  file: string;
  findings: JsonFinding[];
}

export function toJson(results: FileResult[]): JsonFileResult[] {
  return results.map(({ file, findings }) => ({
    file,
    findings: findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      guideSection: f.guideSection,
      url: f.url,
      range: {
        start: { line: f.range.start.line, character: f.range.start.character },
        end: { line: f.range.end.line, character: f.range.end.character },
      },
      fixable: f.fixes.some((fix) => fix.kind === 'quickfix'),
    })),
  }));
}

/** One entry per linted file, clean ones included, in the order they were linted. */
export const formatJson: Formatter = (results) => `${JSON.stringify(toJson(results), null, 2)}\n`;

// ---- registry -------------------------------------------------------------------------------------

export const FORMATTERS = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
  checkstyle: formatCheckstyle,
} satisfies Record<string, Formatter>;

export type FormatName = keyof typeof FORMATTERS;
export const FORMATS = Object.keys(FORMATTERS) as FormatName[];
