// The engine: parse once, run every enabled rule, drop what ignore comments silence, localize.
// The language server and the CLI both call `lint`, so they always report the same findings.
import { DockerfileModel } from './dockerfile';
import { guideUrl } from './guide';
import { parseIgnoreDirectives } from './ignore';
import { RULES, RULES_BY_ID } from './rules';
import type { Report, Rule } from './rule';
import { applyEdits, rangesOverlap } from './textDocument';
import type { Finding, Fix, LintOptions, Locale, Severity, TextEdit } from './types';

export interface EngineOptions extends LintOptions {
  /** Called when a rule throws; the other rules still run. Defaults to ignoring the error. */
  onRuleError?: (ruleId: string, error: unknown) => void;
}

export function lint(text: string, options: EngineOptions = {}): Finding[] {
  return lintModel(new DockerfileModel(text), options);
}

export function lintModel(model: DockerfileModel, options: EngineOptions = {}): Finding[] {
  const locale: Locale = options.locale ?? 'en';
  const directives = parseIgnoreDirectives(model);
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const severity = effectiveSeverity(rule, options);
    if (!severity) continue;
    const reports: Report[] = [];
    try {
      rule.check({ model, options, report: (r) => reports.push(r) });
    } catch (error) {
      options.onRuleError?.(rule.meta.id, error);
      continue;
    }
    for (const report of reports) {
      const line = report.range.start.line;
      if (directives.some((d) => d.ruleIds.includes(rule.meta.id) && line >= d.fromLine && line <= d.toLine)) continue;
      findings.push({
        ruleId: rule.meta.id,
        severity,
        message: report.message[locale],
        range: report.range,
        guideSection: rule.meta.sections[0],
        url: guideUrl(rule.meta.sections[0]),
        fixes: (report.fixes ?? []).map((f): Fix => ({ title: f.title[locale], kind: f.kind, edits: f.edits, ...(f.files ? { files: f.files } : {}) })),
      });
    }
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character
    || a.ruleId.localeCompare(b.ruleId));
  return findings;
}

export function effectiveSeverity(rule: Rule, options: LintOptions): Severity | null {
  const setting = options.rules?.[rule.meta.id];
  if (setting === 'off') return null;
  return setting ?? rule.meta.severity;
}

export function getRule(id: string): Rule | undefined {
  return RULES_BY_ID.get(id);
}

export interface FixAllResult {
  text: string;
  /** Number of fixes applied over all passes. */
  applied: number;
}

/**
 * Applies every `quickfix` (optionally only of some rules) and re-lints until nothing changes, so fixes
 * whose edits would overlap are applied one after the other instead of being dropped or mangled.
 */
export function fixAll(text: string, options: EngineOptions = {}, only?: (ruleId: string) => boolean): FixAllResult {
  let current = text;
  let applied = 0;
  for (let pass = 0; pass < 10; pass++) {
    const findings = lint(current, options).filter((f) => !only || only(f.ruleId));
    const batch: TextEdit[] = [];
    let count = 0;
    for (const finding of findings) {
      const fix = finding.fixes.find((f) => f.kind === 'quickfix');
      if (!fix) continue;
      if (fix.edits.some((e) => batch.some((b) => rangesOverlap(e.range, b.range) || samePoint(e, b)))) continue;
      batch.push(...fix.edits);
      count++;
    }
    if (!batch.length) break;
    const next = applyEdits(current, batch);
    if (next === current) break;
    current = next;
    applied += count;
  }
  return { text: current, applied };
}

// Two insertions at the same point would interleave unpredictably: apply them in separate passes.
function samePoint(a: TextEdit, b: TextEdit): boolean {
  const pa = a.range.start;
  const pb = b.range.start;
  return pa.line === pb.line && pa.character === pb.character;
}
