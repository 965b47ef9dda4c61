// `npm run bench`: the engine in-process, the CLI and the language server as processes, and bundle sizes.
// Prints one table, writes bench/results.json, and with --readme puts the table in the README's
// Performance section. Options: --quick (fewer samples), --only=engine,cli,server,sizes, --corpus=<dir>.
// Runs from bench/.out/main.js, bundled by bench/run.mjs; dist/ must be built (npm run bench builds it).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadEngine } from '../server/loadEngine';
import { benchCli } from './cli';
import { loadCorpus, stacked } from './documents';
import { benchEngine, loadDockerfileUtils, type EngineResult } from './engine';
import { budgets, machineLine, table, type Machine, type Results } from './report';
import { benchServer } from './server';
import { bundleSizes } from './sizes';

const root = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.includes('--quick');
const only = option('only')?.split(',') ?? ['engine', 'cli', 'server', 'sizes'];
const corpusDir = path.resolve(option('corpus') ?? path.join(root, '..', 'shared', 'corpus', 'files'));
const log = (line: string) => process.stderr.write(`${line}\n`);

function pressure(): number | null {
  try {
    return Number(/some avg10=[\d.]+ avg60=([\d.]+)/.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? NaN);
  } catch {
    return null;
  }
}

function cpuModel(): string {
  try {
    const name = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
    if (name) return name.trim();
  } catch { /* not Linux */ }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

async function main(): Promise<void> {
  if (!fs.existsSync(corpusDir)) throw new Error(`corpus not found: ${corpusDir} (use --corpus=<dir>)`);
  for (const file of ['cli.js', 'server.js']) {
    if ((only.includes('cli') || only.includes('server')) && !fs.existsSync(path.join(root, 'dist', file))) {
      throw new Error(`dist/${file} is missing: run npm run build (npm run bench does)`);
    }
  }
  const machine: Machine = {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: cpuModel(),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    memoryGB: os.totalmem() / 2 ** 30,
    loadStart: os.loadavg()[0],
    loadEnd: NaN,
    pressureStart: pressure(),
    pressureEnd: null,
  };
  const corpus = loadCorpus(corpusDir);
  const corpusLines = corpus.reduce((n, d) => n + d.lines, 0);
  log(`corpus: ${corpus.length} files, ${corpusLines} lines; dockerfile-utils: ${loadDockerfileUtils()?.version ?? 'not installed'}`);

  const engine: EngineResult[] = [];
  if (only.includes('engine')) {
    await loadEngine();
    const p = (full: number, fast: number) => (quick ? fast : full);
    const sets = [
      { name: 'corpus', docs: corpus, passes: p(7, 3), reps: 1 },
      { name: '500 lines', docs: [stacked(corpus, 500)], passes: p(7, 3), reps: p(20, 10) },
      { name: '5,000 lines', docs: [stacked(corpus, 5000)], passes: p(7, 3), reps: 2 },
      { name: '50,000 lines', docs: [stacked(corpus, 50000)], passes: p(5, 2), reps: 1 },
    ];
    for (const set of sets) engine.push(benchEngine(set, log));
  }

  let cli: Results['cli'] = null;
  if (only.includes('cli')) {
    const largest = [...corpus].sort((a, b) => b.lines - a.lines)[0];
    cli = {
      corpus: await benchCli(root, `the ${corpus.length} corpus files`, corpus.map((d) => path.join(corpusDir, d.name)), quick ? 2 : 5, log),
      single: await benchCli(root, `the largest corpus file (${largest.lines} lines)`, [path.join(corpusDir, largest.name)], quick ? 2 : 5, log),
    };
  }

  const server = only.includes('server')
    ? await benchServer(root, corpus, {
      sizes: quick
        ? [{ lines: 300, warmUp: 100, cold: 10, edit: 20 }, { lines: 5000, warmUp: 30, cold: 4, edit: 8 }, { lines: 50000, warmUp: 5, cold: 2, edit: 3 }]
        : [{ lines: 300, warmUp: 200, cold: 30, edit: 60 }, { lines: 5000, warmUp: 100, cold: 12, edit: 30 }, { lines: 50000, warmUp: 10, cold: 5, edit: 10 }],
      documents: 200,
      afterStart: quick ? 20 : 40,
    }, log)
    : null;

  const sizes = only.includes('sizes') ? await bundleSizes(root) : null;

  machine.loadEnd = os.loadavg()[0];
  machine.pressureEnd = pressure();
  const partial: Omit<Results, 'budgets'> = {
    date: new Date().toISOString(), machine, quick,
    corpus: { dir: path.relative(root, corpusDir), files: corpus.length, lines: corpusLines },
    dockerfileUtils: loadDockerfileUtils()?.version ?? null,
    engine, cli, server, sizes,
  };
  const results: Results = { ...partial, budgets: budgets(partial) };
  const markdown = `${machineLine(results)}\n\n${table(results)}\n`;
  process.stdout.write(`\n${markdown}\n`);
  for (const b of results.budgets) {
    const v = (x: number | null) => (x === null ? '–' : x.toFixed(x < 10 ? 2 : 0));
    log(`budget ${b.holds.padEnd(8)} ${b.what}: ${v(b.wall)} (CPU ${v(b.cpu)}) ${b.limit}`);
  }
  fs.writeFileSync(path.join(root, 'bench', 'results.json'), `${JSON.stringify({ ...results, table: markdown }, null, 2)}\n`);
  log('wrote bench/results.json');
  if (args.includes('--readme')) updateReadme(markdown);
}

/** Replaces what is between the bench markers of the README's Performance section. */
function updateReadme(markdown: string): void {
  const file = path.join(root, 'README.md');
  const readme = fs.readFileSync(file, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error('README.md has no <!-- bench:start --> … <!-- bench:end --> section');
  fs.writeFileSync(file, `${readme.slice(0, from + start.length)}\n${markdown}${readme.slice(to)}`);
  log('updated the Performance section of README.md');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
