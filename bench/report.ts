// One table for everything (printed, written to bench/results.json with the raw numbers, and into the
// README's Performance section with --readme), and the budgets of issue 6 with whether they hold.
import type { CliResult } from './cli';
import type { EngineResult, Timing } from './engine';
import type { ServerResult, LatencyResult } from './server';
import type { SizeRow } from './sizes';
import type { Summary } from './stats';

export interface Machine {
  nproc: number;
  cpu: string;
  node: string;
  os: string;
  memoryGB: number;
  /** 1-minute load average and CPU pressure (share of time some task waited for a CPU, last 60 s) at start and end. */
  loadStart: number;
  loadEnd: number;
  pressureStart: number | null;
  pressureEnd: number | null;
}

export interface Budget {
  id: string;
  what: string;
  limit: string;
  wall: number | null;
  cpu: number | null;
  /** yes: holds in wall time; "CPU only": holds in CPU time but not in wall time (a busy machine); no; n/a. */
  holds: 'yes' | 'no' | 'CPU only' | 'n/a';
}

export interface Results {
  date: string;
  machine: Machine;
  quick: boolean;
  corpus: { dir: string; files: number; lines: number };
  dockerfileUtils: string | null;
  engine: EngineResult[];
  cli: { corpus: CliResult; single: CliResult } | null;
  server: ServerResult | null;
  sizes: SizeRow[] | null;
  budgets: Budget[];
}

const n0 = (v: number) => Math.round(v).toLocaleString('en-US');
const n1 = (v: number) => v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const ms = (v: number | null) => v === null || Number.isNaN(v) ? '–' : v >= 100 ? `${n0(v)} ms` : `${n1(v)} ms`;
const ratio = (v: number | null) => v === null || !Number.isFinite(v) ? '–' : `${v.toFixed(2)}×`;
const kb = (bytes: number) => `${n0(bytes / 1024)} KB`;
const mb = (v: number | null) => v === null ? '–' : `${n0(v)} MB`;
const per1k = (t: number, lines: number) => t / (lines / 1000);

function check(limit: number, wall: number | null, cpu: number | null): Budget['holds'] {
  if (wall === null || Number.isNaN(wall)) return 'n/a';
  if (wall <= limit) return 'yes';
  return cpu !== null && cpu <= limit ? 'CPU only' : 'no';
}

const divide = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || b === 0 ? null : a / b);

export function budgets(r: Omit<Results, 'budgets'>): Budget[] {
  const out: Budget[] = [];
  const corpus = r.engine.find((e) => e.set === 'corpus');
  if (corpus) {
    const wall = corpus.cold.wall / corpus.parse.wall;
    const cpu = divide(corpus.cold.cpu, corpus.parse.cpu);
    out.push({ id: 'engine-vs-parse', what: 'all rules (shell parsing included) vs dockerfile-ast parse-only, corpus', limit: '≤ 2.5×', wall, cpu, holds: check(2.5, wall, cpu) });
  }
  const latency = (lines: number) => r.server?.latency.find((l) => l.size === lines);
  for (const [lines, limit] of [[300, 10], [5000, 80], [50000, 800]] as const) {
    const l = latency(lines);
    for (const mode of ['edit', 'cold'] as const) {
      const s: Summary | undefined = l?.[mode];
      out.push({
        id: `server-${lines}-${mode}`, what: `server, ${n0(lines)} lines, ${mode === 'edit' ? 'one-line edit' : 'cold'}, p95`, limit: `≤ ${limit} ms`,
        wall: s?.p95 ?? null, cpu: s?.cpu95 ?? null, holds: s ? check(limit, s.p95, s.cpu95) : 'n/a',
      });
    }
  }
  const memory = r.server?.memory;
  if (memory && memory.open200 !== null && memory.closed200 !== null && memory.idle !== null) {
    const open = memory.peak200 ?? memory.open200;
    const back = memory.closed200 / memory.idle;
    out.push({ id: 'server-memory', what: `server RSS with ${memory.documents} documents open (peak, ${Math.round(open)} MB) and after closing them, vs idle`, limit: '≤ 1.10× idle, ≤ 150 MB open', wall: back, cpu: null, holds: back <= 1.1 && open <= 150 ? 'yes' : 'no' });
  }
  const e5 = r.engine.find((e) => e.set === '5,000 lines');
  const e50 = r.engine.find((e) => e.set === '50,000 lines');
  if (e5 && e50) {
    const wall = e50.cold.wall / e5.cold.wall;
    const cpu = divide(e50.cold.cpu, e5.cold.cpu);
    out.push({ id: 'growth-engine', what: 'linear growth, engine cold, 50,000 / 5,000 lines', limit: '≤ 12×', wall, cpu, holds: check(12, wall, cpu) });
  }
  const l5 = latency(5000);
  const l50 = latency(50000);
  if (l5 && l50) {
    const wall = l50.cold.p50 / l5.cold.p50;
    const cpu = divide(l50.cold.cpu50, l5.cold.cpu50);
    out.push({ id: 'growth-server', what: 'linear growth, server cold p50, 50,000 / 5,000 lines', limit: '≤ 12×', wall, cpu, holds: check(12, wall, cpu) });
  }
  if (l5) {
    const wall = l5.edit.p50 / l5.cold.p50;
    const cpu = divide(l5.edit.cpu50, l5.cold.cpu50);
    out.push({ id: 'edit-vs-cold-server', what: 'one-line edit vs cold, server p50, 5,000 lines', limit: '≤ 0.33', wall, cpu, holds: check(1 / 3, wall, cpu) });
  }
  if (e5?.edit) {
    const wall = e5.edit.wall / e5.cold.wall;
    const cpu = divide(e5.edit.cpu, e5.cold.cpu);
    out.push({ id: 'edit-vs-cold-engine', what: 'one-line edit vs cold, engine, 5,000 lines', limit: '≤ 0.33', wall, cpu, holds: check(1 / 3, wall, cpu) });
  }
  return out;
}

/** The one table: measure | wall | CPU (process) | budget | holds. */
export function table(r: Results): string {
  const rows: string[][] = [];
  const budget = (id: string) => r.budgets.find((b) => b.id === id);
  const withBudget = (cells: string[], id?: string): string[] => {
    const b = id ? budget(id) : undefined;
    return [...cells, b?.limit ?? '', b?.holds ?? ''];
  };
  const timing = (t: Timing, lines: number, base?: Timing, utils?: Timing | null) => {
    const x = (v: number, ref?: number | null) => (ref ? ` (${ratio(v / ref)} parse)` : '');
    const wall = `${n1(per1k(t.wall, lines))} ms/1k lines${x(t.wall, base?.wall)}${utils ? `, ${ratio(t.wall / utils.wall)} validate` : ''}`;
    const cpu = t.cpu === null ? '–' : `${n1(per1k(t.cpu, lines))} ms/1k lines${x(t.cpu, base?.cpu)}${utils?.cpu ? `, ${ratio(t.cpu / utils.cpu)} validate` : ''}`;
    return [wall, cpu];
  };
  for (const e of r.engine) {
    const label = e.set === 'corpus' ? `corpus (${n0(e.files)} files, ${n0(e.lines)} lines)` : `${n0(e.lines)}-line file`;
    rows.push([`dockerfile-ast parse only, ${label}`, ...timing(e.parse, e.lines), '', '']);
    if (e.set === 'corpus') {
      rows.push(e.utils
        ? [`dockerfile-utils ${r.dockerfileUtils} validate, ${label}`, ...timing(e.utils, e.lines), '', '']
        : ['dockerfile-utils validate', 'not installed', '–', '', '']);
    }
    rows.push(withBudget([`**engine, all rules, cold**, ${label}`, ...timing(e.cold, e.lines, e.parse, e.utils)], e.set === 'corpus' ? 'engine-vs-parse' : undefined));
    rows.push([`engine, all rules, caches warm (same text again), ${label}`, ...timing(e.warm, e.lines, e.parse, e.utils), '', '']);
    if (e.edit) rows.push([`engine, all rules, after a one-line edit, ${label}`, ...timing(e.edit, e.lines, e.parse, e.utils), '', '']);
  }
  const growth = budget('growth-engine');
  if (growth) rows.push(withBudget(['engine cold, 50,000-line / 5,000-line file', ratio(growth.wall), ratio(growth.cpu)], 'growth-engine'));
  const engine5 = budget('edit-vs-cold-engine');
  if (engine5) rows.push(withBudget(['engine, one-line edit / cold, 5,000-line file', ratio(engine5.wall), ratio(engine5.cpu)], 'edit-vs-cold-engine'));
  if (r.cli) {
    for (const c of [r.cli.corpus, r.cli.single]) {
      rows.push([`CLI \`--format json\` on ${c.target}, whole process (${c.findings ?? '?'} findings)`,
        `${ms(c.wall)}, peak RSS ${mb(c.peakRss)}`, '', '', '']);
    }
  }
  if (r.server) {
    const s = r.server;
    rows.push(['server: spawn → initialized / → first diagnostics (300 lines)', `${ms(s.initialize)} / ${ms(s.firstDiagnostics)}`, '', '', '']);
    const a = s.afterStart.edit;
    rows.push([`server didChange → diagnostics, ${n0(s.afterStart.lines)} lines, one-line edit, right after start (lints 2 to ${a.n + 1}), p50 / p95`,
      `${ms(a.p50)} / ${ms(a.p95)}`, a.cpu50 === null ? '–' : `${ms(a.cpu50)} / ${ms(a.cpu95)}`, '', '']);
    for (const l of s.latency) {
      for (const mode of ['cold', 'edit'] as const) {
        const m = l[mode];
        const name = `server didChange → diagnostics, ${n0(l.lines)} lines, ${mode === 'cold' ? 'cold (all instructions new)' : 'one-line edit'}, after ${n0(l.warmUp)} warm-up lints, p50 / p95 (n=${m.n})`;
        rows.push(withBudget([name, `${ms(m.p50)} / ${ms(m.p95)}`, m.cpu50 === null ? '–' : `${ms(m.cpu50)} / ${ms(m.cpu95)}`], `server-${l.size}-${mode}`));
      }
    }
    const g = budget('growth-server');
    if (g) rows.push(withBudget(['server cold p50, 50,000 / 5,000 lines', ratio(g.wall), ratio(g.cpu)], 'growth-server'));
    const ec = budget('edit-vs-cold-server');
    if (ec) rows.push(withBudget(['server one-line edit / cold p50, 5,000 lines', ratio(ec.wall), ratio(ec.cpu)], 'edit-vs-cold-server'));
    const memoryRow = (m: NonNullable<typeof s.memory>, how: string, id?: string) => rows.push(withBudget([
      `server RSS${how}: idle / ${m.documents} corpus documents open (peak) / after closing them`,
      `${mb(m.idle)} / ${mb(m.open200)} (${mb(m.peak200)}) / ${mb(m.closed200)}`, ''], id));
    if (s.memory) memoryRow(s.memory, ', started as the VS Code client starts it', 'server-memory');
    if (s.memoryPlain) memoryRow(s.memoryPlain, ', started without its launch environment');
  }
  for (const size of r.sizes ?? []) {
    const min = size.minified !== null ? `; minified ${kb(size.minified)}, gzip ${kb(size.minifiedGzip!)}` : '';
    const gz = size.file.endsWith('.vsix') ? '' : `, gzip ${kb(size.gzip)}`;
    rows.push([`size of \`${size.file}\`${size.note ? ` (${size.note})` : ''}`, `${kb(size.bytes)}${gz}${min}`, '', '', '']);
  }
  const header = ['measure', 'wall', 'CPU (process)', 'budget', 'holds'];
  const escape = (c: string) => c.replace(/\|/g, '\\|');
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.map(escape).join(' | ')} |`).join('\n');
}

export function machineLine(r: Results): string {
  const m = r.machine;
  const pressure = m.pressureStart !== null ? `, CPU pressure ${n0(m.pressureStart)}–${n0(m.pressureEnd ?? m.pressureStart)} %` : '';
  return `Measured ${r.date.slice(0, 10)} on ${m.cpu}, nproc ${m.nproc}, ${n0(m.memoryGB)} GB, ${m.os}, Node ${m.node}; `
    + `load average ${m.loadStart.toFixed(1)} → ${m.loadEnd.toFixed(1)}${pressure}${r.quick ? '; quick run (fewer samples)' : ''}.`;
}

export type { LatencyResult };
