// The engine: parse once, run every enabled rule, drop what ignore comments silence (and report the
// comments that silenced nothing), localize.
// The language server and the CLI both call `lint`, so they always report the same findings.
import { DockerfileModel } from './dockerfile';
import { guideUrl } from './guide';
import { parseIgnoreDirectives, parserDirectiveLines, type IgnoreDirective, type IgnoreEntry } from './ignore';
import { RULES, RULES_BY_ID } from './rules';
import { unusedIgnore, unusedIgnoreReports, type IgnoredRuleState } from './rules/unused-ignore';
import type { Report, Rule } from './rule';
import { segmentsOf, stageScopedReports, type Segment } from './stageScope';
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
  const used = new Set<IgnoreEntry>();
  const failed = new Set<string>();
  const coverage = ignoreCoverage(directives);
  const findings: Finding[] = [];
  const keep = (rule: Rule, severity: Severity, reports: Report[]) => {
    const silenced = silencedReports(coverage.get(rule.meta.id), reports, used);
    const url = reports.length ? guideUrl(rule.meta.sections[0]) : '';
    for (let i = 0; i < reports.length; i++) {
      const report = reports[i];
      if (silenced?.[i]) continue;
      findings.push({
        ruleId: rule.meta.id,
        severity,
        message: report.message[locale],
        range: report.range,
        guideSection: rule.meta.sections[0],
        url,
        fixes: (report.fixes ?? []).map((f): Fix => ({ title: f.title[locale], kind: f.kind, edits: f.edits, ...(f.files ? { files: f.files } : {}) })),
      });
    }
  };
  let segments: Segment[] | null | undefined;
  const run = (rule: Rule, view: DockerfileModel): Report[] => {
    const reports: Report[] = [];
    rule.check({ model: view, options, report: (r) => reports.push(r) });
    return reports;
  };
  for (const rule of RULES) {
    if (rule === unusedIgnore) continue;
    const severity = effectiveSeverity(rule, options);
    if (!severity) continue;
    let reports: Report[];
    try {
      let scoped: Report[] | null = null;
      if (rule.meta.scope === 'stage') {
        if (segments === undefined) segments = segmentsOf(model, options);
        if (segments) scoped = stageScopedReports(model, rule.meta.id, rule.stageContext?.(model) ?? '', segments, (view) => run(rule, view));
      }
      reports = scoped ?? run(rule, model);
    } catch (error) {
      failed.add(rule.meta.id);
      options.onRuleError?.(rule.meta.id, error);
      continue;
    }
    keep(rule, severity, reports);
  }
  // Last: which ignore comments silenced nothing is only known once every other rule has run.
  const unusedSeverity = effectiveSeverity(unusedIgnore, options);
  if (unusedSeverity) {
    const state = (id: string): IgnoredRuleState => {
      const rule = RULES_BY_ID.get(id);
      if (!rule) return 'unknown';
      return failed.has(id) || !effectiveSeverity(rule, options) ? 'inactive' : 'active';
    };
    keep(unusedIgnore, unusedSeverity, unusedIgnoreReports(model, directives, parserDirectiveLines(model), (e) => used.has(e), state));
  }
  // Rule ids are ASCII (lower-case letters, digits, hyphens): compared by code unit, which orders them as
  // localeCompare did, without a collator call for each pair on the same position.
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character
    || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return findings;
}

interface Covered {
  fromLine: number;
  toLine: number;
  entry: IgnoreEntry;
}

/** For each rule id named by an ignore comment: the lines each entry naming it covers, by first line. */
function ignoreCoverage(directives: readonly IgnoreDirective[]): Map<string, Covered[]> {
  const byRule = new Map<string, Covered[]>();
  for (const directive of directives) {
    for (const entry of directive.entries) {
      for (const ruleId of new Set(entry.ruleIds)) {
        const list = byRule.get(ruleId);
        const covered = { fromLine: directive.fromLine, toLine: directive.toLine, entry };
        if (list) list.push(covered);
        else byRule.set(ruleId, [covered]);
      }
    }
  }
  for (const list of byRule.values()) list.sort((a, b) => a.fromLine - b.fromLine);
  return byRule;
}

/**
 * Which reports an ignore comment covers (by the report's first line), marking every entry that covers
 * one as used. One sweep over reports and entries sorted by line: files can have thousands of both.
 */
function silencedReports(covered: Covered[] | undefined, reports: readonly Report[], used: Set<IgnoreEntry>): boolean[] | null {
  if (!covered?.length) return null;
  const order = reports.map((_, i) => i).sort((a, b) => reports[a].range.start.line - reports[b].range.start.line);
  const silenced = new Array<boolean>(reports.length).fill(false);
  let next = 0;
  // Every entry added so far starts at or before the current line: one covers it when the furthest end reaches it.
  let furthest = -1;
  // Entries added since the last report, not yet known to cover one.
  let pending: Covered[] = [];
  for (const i of order) {
    const line = reports[i].range.start.line;
    while (next < covered.length && covered[next].fromLine <= line) {
      const c = covered[next++];
      furthest = Math.max(furthest, c.toLine);
      pending.push(c);
    }
    if (furthest < line) {
      pending = [];
      continue;
    }
    silenced[i] = true;
    // Entries that were pending and do not reach this line cannot reach any later one either.
    for (const c of pending) if (c.toLine >= line) used.add(c.entry);
    pending = [];
  }
  return silenced;
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
      // Fixes that also change other files (e.g. create .dockerignore) are applied by callers that can write them.
      const fix = finding.fixes.find((f) => f.kind === 'quickfix' && !f.files?.length);
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
