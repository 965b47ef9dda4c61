// Reports of stage-scoped rules (meta.scope === 'stage'), kept across lints and documents by the text they were
// computed from. After a keystroke in a file of many stages, only the edited stage's text is new: its reports
// are computed again and every other stage's are the ones kept, moved to where the stage now starts.
//
// A stage-scoped rule reads one segment of the file at a time (the lines before the first FROM, or one stage
// from its FROM to the line before the next FROM) through a view of the model whose `stages` and `instructions`
// are that segment's (DockerfileModel.viewOf: the text, line index, variable resolution and RUN shells stay the
// whole file's, and so do line numbers; what rules memoize per model object is computed again for the view).
// Its reports depend on nothing but what the cache key holds: the segment's text, the text before the first FROM
// (global ARGs, directives), the texts of the stages it builds on (`FROM <stage>`), its index, whether it is the
// last one, the line-break and escape characters and the options, plus the rule's stageContext if it has one.
// Rules that compare stages with each other, read the final stage or the build context run on the whole model.
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel, Stage } from './dockerfile';
import { RecentlyUsed } from './recentlyUsed';
import type { Report } from './rule';
import { shiftLines } from './textDocument';
import type { LintOptions, Range, TextEdit } from './types';

export interface Segment {
  /** First and last line of the segment (inclusive). */
  startLine: number;
  endLine: number;
  /** The segment's stages and instructions, and the model as rules see it for the segment (made when needed). */
  stages: Stage[];
  instructions: Instruction[];
  view?: DockerfileModel;
  /** Everything the reports of a stage-scoped rule may depend on. */
  key: string;
  /** The cache's entry for the key, looked up once per lint (comparing keys costs their length). */
  kept?: SegmentReports | null;
}

// Keys repeat the text before the first FROM and the parents' texts: for a file where each stage builds on the
// previous one they would grow with the square of its size. Past this many characters over the file's own, the
// stage-scoped rules run on the whole file instead.
const KEY_CHARS_OVER_TEXT = 1_000_000;

/**
 * The lines before the first FROM (when any), then each stage; null for a file of one stage, or when their keys
 * would be too long (KEY_CHARS_OVER_TEXT). A stage's parents are found by the names of the stages before it
 * (and the global ARGs in its FROM): the parents' texts in the key stand for those names.
 */
export function segmentsOf(model: DockerfileModel, options: LintOptions): Segment[] | null {
  const { stages, index } = model;
  // With one stage an edit changes it (the lines before FROM hold a few ARGs at most): nothing would be kept
  // that a re-lint could use, so a file of one stage is linted whole, without views and keys.
  if (stages.length < 2) return null;
  const lastLine = index.lineCount - 1;
  const starts = stages.map((s) => s.from.getRange().start.line);
  const firstStageLine = starts[0];
  const textOf = (from: number, to: number): string => model.text.slice(index.lineStarts[from],
    to + 1 < index.lineCount ? index.lineStarts[to + 1] : model.text.length);
  const common = `${optionsKey(options)}\u0000${model.index.eol}${model.escapeChar}\u0000${firstStageLine > 0 ? textOf(0, firstStageLine - 1) : ''}\u0000`;
  let budget = model.text.length + KEY_CHARS_OVER_TEXT;
  const segments: Segment[] = [];
  if (firstStageLine > 0) {
    const instructions = model.instructions.filter((i) => i.getRange().start.line < firstStageLine);
    segments.push({ startLine: 0, endLine: firstStageLine - 1, stages: [], instructions, key: `${common}prelude` });
  }
  const stageTexts: string[] = [];
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i];
    const endLine = i + 1 < stages.length ? starts[i + 1] - 1 : lastLine;
    stageTexts.push(textOf(starts[i], endLine));
    let key = `${common}${i}\u0000${stage.isFinal ? 1 : 0}\u0000${stageTexts[i]}`;
    for (let p = stage.parent; p; p = p.parent) {
      key += `\u0000${p.index}\u0000${stageTexts[p.index]}`;
      if (key.length > budget) return null;
    }
    budget -= key.length;
    if (budget < 0) return null;
    segments.push({ startLine: starts[i], endLine, stages: [stage], instructions: [stage.from as Instruction, ...stage.instructions], key });
  }
  return segments;
}

// The options that rules read (the locale does not matter: reports carry both languages).
function optionsKey(options: LintOptions): string {
  const { trustedRegistries, requiredLabels } = options;
  return trustedRegistries === undefined && requiredLabels === undefined ? '' : JSON.stringify([trustedRegistries ?? null, requiredLabels ?? null]);
}

/**
 * Reports by rule id, as made for a segment that started at `startLine`, and the rule's context then. Reports
 * are never changed once made (nothing downstream mutates findings), so a segment that has not moved gets the
 * very same objects, and one that moved gets copies with its lines shifted.
 */
type SegmentReports = Map<string, { context: string; startLine: number; reports: Report[] }>;

const SEGMENT_CACHE_ENTRIES = 20_000;
const SEGMENT_CACHE_CHARS = 4_000_000;
const segmentCache = new RecentlyUsed<SegmentReports>(SEGMENT_CACHE_ENTRIES, SEGMENT_CACHE_CHARS);
let segmentChecks = 0;

/** Empties the cache (tests and the benchmark's cold runs). */
export function clearSegmentCache(): void {
  segmentCache.clear();
}

/** How many times a stage-scoped rule ran on a segment (cache misses) since the process started. */
export function segmentCheckCount(): number {
  return segmentChecks;
}

/**
 * Above this share of the segments missing from the cache, a rule runs once on the whole model and its reports
 * are split by segment and kept: a view per stage repeats the rule's per-model setup for each stage, which makes
 * a cold lint of a file of many stages slower than one whole-file run. Below it (a keystroke misses one stage),
 * only the missing stages run, each through its view. Tests set it to 1 to run every missing stage on its own.
 */
export const wholeFileRun = { missingShare: 0.25 };

/**
 * The reports of a stage-scoped rule over the whole file: kept ones where the segment's key is known, the
 * others from `check` on each missing segment's view, or from `check` on the whole model when many miss
 * (wholeFileRun). Null when a report fell outside its segment (the rule then runs on the whole model): such a
 * report could not be moved with the segment.
 */
export function stageScopedReports(model: DockerfileModel, ruleId: string, context: string, segments: readonly Segment[],
  check: (view: DockerfileModel) => Report[]): Report[] | null {
  let missing = 0;
  for (const segment of segments) {
    if (segment.kept === undefined) segment.kept = segmentCache.get(segment.key) ?? null;
    if (segment.kept?.get(ruleId)?.context !== context) missing++;
  }
  if (missing > wholeFileRun.missingShare * segments.length) return wholeFileReports(model, ruleId, context, segments, check);
  const out: Report[] = [];
  const fresh: Array<{ segment: Segment; reports: Report[] }> = [];
  for (const segment of segments) {
    const kept = segment.kept?.get(ruleId);
    if (kept && kept.context === context) {
      const delta = segment.startLine - kept.startLine;
      for (const report of kept.reports) out.push(delta === 0 ? report : moved(report, delta));
      continue;
    }
    segmentChecks++;
    segment.view ??= model.viewOf(segment.stages, segment.instructions);
    const reports = check(segment.view);
    if (!reports.every((r) => insideWithFixes(r, segment))) return null;
    fresh.push({ segment, reports });
    out.push(...reports);
  }
  for (const { segment, reports } of fresh) keep(segment, ruleId, context, reports);
  return out;
}

/**
 * The rule run once on the whole model; its reports are kept per segment (by the line each starts on) unless
 * one falls outside its segment, when nothing is kept and the next lint runs the whole model again.
 */
function wholeFileReports(model: DockerfileModel, ruleId: string, context: string, segments: readonly Segment[],
  check: (view: DockerfileModel) => Report[]): Report[] {
  const reports = check(model);
  const bySegment: Report[][] = segments.map(() => []);
  for (const report of reports) {
    const i = segmentAt(segments, report.range.start.line);
    if (i < 0 || !insideWithFixes(report, segments[i])) return reports;
    bySegment[i].push(report);
  }
  segments.forEach((segment, i) => keep(segment, ruleId, context, bySegment[i]));
  return reports;
}

/** Index of the segment holding `line` (segments are contiguous and in order), or -1. */
function segmentAt(segments: readonly Segment[], line: number): number {
  let low = 0;
  let high = segments.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (line < segments[middle].startLine) high = middle - 1;
    else if (line > segments[middle].endLine) low = middle + 1;
    else return middle;
  }
  return -1;
}

function keep(segment: Segment, ruleId: string, context: string, reports: Report[]): void {
  if (!segment.kept) {
    segment.kept = new Map();
    segmentCache.set(segment.key, segment.kept, segment.key.length);
  }
  segment.kept.set(ruleId, { context, startLine: segment.startLine, reports });
}

const insideWithFixes = (report: Report, segment: Segment): boolean => inside(report.range, segment)
  && (report.fixes ?? []).every((f) => f.edits.every((e) => inside(e.range, segment)));

// (a range may end at the start of the line after the segment: that point moves with it)
function inside(range: Range, segment: Segment): boolean {
  const { start, end } = range;
  return start.line >= segment.startLine && (end.line <= segment.endLine || (end.line === segment.endLine + 1 && end.character === 0));
}

function moved(report: Report, delta: number): Report {
  const range = shiftLines(report.range, delta);
  if (!report.fixes) return { ...report, range };
  return {
    ...report,
    range,
    fixes: report.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e): TextEdit => ({ ...e, range: shiftLines(e.range, delta) })) })),
  };
}
