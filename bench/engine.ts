// The engine in this process: ms per 1,000 lines with every rule on, against dockerfile-ast parse-only (and
// dockerfile-utils validate when installed), all measured in the same passes, in rotating order. "cold":
// caches emptied before each lint, so every RUN is parsed by tree-sitter and every instruction tokenized;
// "warm": the same text again, RUNs and tokens come from the caches (what re-linting after an edit costs, minus the RUN that changed).
import { DockerfileParser } from 'dockerfile-ast';
import { clearRunShellCache } from '../shared/dockerfile';
import { lint } from '../shared/engine';
import { clearParseCache } from '../shared/shell/parser';
import type { LintOptions } from '../shared/types';
import { editableLine, type Doc } from './documents';
import { gc, measure, median, type Sample } from './stats';

/** Every rule on: each is on by default, image-registry needs registries, dockerignore a known context. */
export const ALL_RULES: LintOptions = { trustedRegistries: ['docker.io'], context: { dockerignore: null } };

type Validate = (content: string) => unknown;

export function loadDockerfileUtils(): { validate: Validate; version: string } | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const utils = require('dockerfile-utils') as { validate: Validate };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const version = (require('dockerfile-utils/package.json') as { version: string }).version;
    return { validate: utils.validate, version };
  } catch {
    return null;
  }
}

export interface Timing {
  /** Median over the passes of the time for the whole set, ms. */
  wall: number;
  cpu: number | null;
}

export interface EngineResult {
  set: string;
  files: number;
  lines: number;
  passes: number;
  parse: Timing;
  utils: Timing | null;
  cold: Timing;
  warm: Timing;
  /** A one-line edit (a comment added to a RUN line, different each time) and the lint after it; null for the corpus. */
  edit: Timing | null;
}

export interface EngineSet {
  name: string;
  docs: Doc[];
  passes: number;
  /** Repetitions inside one sample, for sets too small to time alone. */
  reps: number;
}

function timing(samples: Sample[]): Timing {
  const cpus = samples.map((s) => s.cpu);
  return { wall: median(samples.map((s) => s.wall)), cpu: cpus.every((c) => c !== null) ? median(cpus as number[]) : null };
}

export function benchEngine(set: EngineSet, log: (line: string) => void): EngineResult {
  const utils = loadDockerfileUtils();
  const texts = set.docs.map((d) => d.text);
  const each = (work: (text: string) => void) => () => {
    for (let r = 0; r < set.reps; r++) for (const text of texts) work(text);
  };
  const clear = () => { clearRunShellCache(); clearParseCache(); };
  // One-line edits of the stacked files, as when typing: each lint sees a RUN line it has not seen (the edited
  // texts are made before timing); the other instructions are as the previous lint left them.
  const editable = set.name !== 'corpus';
  let edits = 0;
  const edited = (text: string) => {
    const at = editableLine(text);
    const lines = text.split('\n');
    return () => {
      const line = lines[at.line];
      lines[at.line] = `${line.slice(0, at.character)} # edit ${edits++}${line.slice(at.character)}`;
      const next = lines.join('\n');
      lines[at.line] = line;
      return next;
    };
  };
  const editors = editable ? texts.map(edited) : [];
  const work: Record<string, () => void> = {
    parse: each((text) => DockerfileParser.parse(text)),
    ...(utils ? { utils: each((text) => utils.validate(text)) } : {}),
    cold: each((text) => { clear(); lint(text, ALL_RULES); }),
    warm: each((text) => lint(text, ALL_RULES)),
  };
  let prepared: string[] = [];
  if (editable) {
    work.edit = () => {
      for (const text of prepared) lint(text, ALL_RULES);
    };
  }
  const prepare = (name: string) => {
    if (name !== 'edit') return;
    prepared = [];
    for (let r = 0; r < set.reps; r++) editors.forEach((next) => prepared.push(next()));
  };
  const names = Object.keys(work);
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((n) => [n, []]));
  // Warm-up: JIT, and the RUN cache for "warm" (cold runs empty it: warm runs right after a lint of the same text).
  // No collection is forced between samples, only once here: after a forced full GC, V8 sizes its heap limits to
  // what is live and the next pass pays for extra major collections (a corpus cold lint measured 3.2× parse with
  // gc() before every sample, 2.4× without, with the optimising WASM compiler then on; parse-only 7.7 and 8.4 ms per
  // 1,000 lines). A server or CLI never
  // forces one between lints. Each measure still pays for the garbage it makes, and, in the rotating order, for
  // some of the previous one's.
  gc();
  for (const name of names) { prepare(name); work[name](); }
  for (let pass = 0; pass < set.passes; pass++) {
    // Rotating order spreads the noise of a busy machine over all measures.
    for (let k = 0; k < names.length; k++) {
      const name = names[(pass + k) % names.length];
      if (name === 'warm' || name === 'edit') each((text) => lint(text, ALL_RULES))();
      prepare(name);
      const s = measure(work[name]);
      samples[name].push({ wall: s.wall / set.reps, cpu: s.cpu === null ? null : s.cpu / set.reps });
    }
    log(`  engine ${set.name}: pass ${pass + 1}/${set.passes}`);
  }
  return {
    set: set.name,
    files: set.docs.length,
    lines: set.docs.reduce((n, d) => n + d.lines, 0),
    passes: set.passes,
    parse: timing(samples.parse),
    utils: utils ? timing(samples.utils) : null,
    cold: timing(samples.cold),
    warm: timing(samples.warm),
    edit: editable ? timing(samples.edit) : null,
  };
}
