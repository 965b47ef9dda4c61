// The CLI as users run it in CI: whole-process wall time and peak RSS of `node dist/cli.js --format json <dir>`.
// Peak RSS comes from GNU time (`/usr/bin/time -f %M`) when present, else from a preloaded hook that writes
// process.resourceUsage().maxRSS when the process exits.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { median } from './stats';

export interface CliResult {
  /** What was linted, e.g. "the corpus (536 files as arguments)". */
  target: string;
  runs: number;
  wall: number;
  walls: number[];
  /** Peak resident set size, MB (median over the runs). */
  peakRss: number | null;
  rssMethod: string;
  exitCode: number | null;
  files: number | null;
  findings: number | null;
}

interface Run { wall: number; rss: number | null; code: number | null; stdout: string }

const GNU_TIME = '/usr/bin/time';

function hasGnuTime(): boolean {
  if (!fs.existsSync(GNU_TIME)) return false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const r = require('child_process').spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
    return r.status === 0 && /^\d+\s*$/m.test(r.stderr);
  } catch {
    return false;
  }
}

function runOnce(root: string, args: string[], gnuTime: boolean, scratch: string): Promise<Run> {
  const rssFile = path.join(scratch, `rss-${process.hrtime.bigint()}`);
  const cli = path.join(root, 'dist', 'cli.js');
  const [command, argv] = gnuTime
    ? [GNU_TIME, ['-f', '%M', '-o', rssFile, process.execPath, cli, ...args]]
    : [process.execPath, ['-r', path.join(scratch, 'rss-hook.js'), cli, ...args]];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, argv, { cwd: root, env: { ...process.env, BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - start) / 1e6;
      let rss: number | null = null;
      try {
        rss = Number(fs.readFileSync(rssFile, 'utf8').trim().split(/\s+/).pop()) / 1024; // KB → MB
        fs.rmSync(rssFile);
      } catch { /* no measure */ }
      resolve({ wall, rss, code, stdout: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

/** `files`: passed as arguments (the corpus names, `<repo>__<path>__Dockerfile`, are not all found by folder discovery). */
export async function benchCli(root: string, target: string, files: string[], runs: number, log: (line: string) => void): Promise<CliResult> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dfs-bench-cli-'));
  fs.writeFileSync(path.join(scratch, 'rss-hook.js'),
    "process.on('exit', () => require('fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n");
  const gnuTime = hasGnuTime();
  const args = ['--format', 'json', ...files];
  const results: Run[] = [];
  try {
    await runOnce(root, args, gnuTime, scratch); // file cache warm-up
    for (let i = 0; i < runs; i++) {
      results.push(await runOnce(root, args, gnuTime, scratch));
      log(`  cli, ${target}: run ${i + 1}/${runs}`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  let linted: number | null = null;
  let findings: number | null = null;
  try {
    const report = JSON.parse(results[0].stdout) as Array<{ findings: unknown[] }>;
    linted = report.length;
    findings = report.reduce((n, f) => n + f.findings.length, 0);
  } catch { /* not JSON: reported as unknown */ }
  const rss = results.map((r) => r.rss).filter((r): r is number => r !== null);
  return {
    target,
    runs,
    wall: median(results.map((r) => r.wall)),
    walls: results.map((r) => r.wall),
    peakRss: rss.length ? median(rss) : null,
    rssMethod: gnuTime ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS (preloaded hook)',
    exitCode: results[0].code,
    files: linted,
    findings,
  };
}
