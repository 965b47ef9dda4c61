// The language server over stdio, as an editor drives it: time from didChange to publishDiagnostics for a
// document (cold: the whole text replaced by one whose instructions are all new; edit: one line of one RUN changed),
// time from process start to the first diagnostics, and the server's memory with 200 documents open.
// Next to the wall time seen by this client, the CPU time the server process used for each change is read
// from /proc: on a busy machine wall time includes waiting for a CPU, CPU time does not.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { SERVER_ENVIRONMENT } from '../server/launch';
import { editableLine, stacked, type Doc } from './documents';
import { memoryOf, processTime, sleep, summarize, type Sample, type Summary } from './stats';

/** Between samples: the server lints a document at most every 50 ms (LINT_INTERVAL_MS), which is not measured here. */
const PAUSE_MS = 100;
/** Between warm-up lints: just over LINT_INTERVAL_MS. */
const WARM_UP_PAUSE_MS = 55;

interface Published { uri: string; version?: number; diagnostics: unknown[] }

export class Session {
  readonly started = performance.now();
  readonly child: ChildProcess;
  readonly connection: MessageConnection;
  private waiters: Array<{ uri: string; version: number | null; resolve: (at: number) => void }> = [];
  private stderr = '';
  initialized = 0;

  /** `launchEnvironment`: started as the VS Code client starts it (SERVER_ENVIRONMENT), or with this process's environment. */
  constructor(root: string, launchEnvironment = true) {
    const env = launchEnvironment ? { ...process.env, ...SERVER_ENVIRONMENT } : process.env;
    this.child = spawn(process.execPath, [...(process.env.SERVER_ARGS ? process.env.SERVER_ARGS.split(' ') : []), ...(process.env.SERVER_PROF ? ['--cpu-prof', '--cpu-prof-interval=200', `--cpu-prof-dir=${process.env.SERVER_PROF}`] : []), path.join(root, 'dist', 'server.js'), '--stdio'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (c: Buffer) => { this.stderr = (this.stderr + c.toString()).slice(-4000); });
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      const at = performance.now();
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== p.uri || (w.version !== null && w.version !== p.version)) return true;
        w.resolve(at);
        return false;
      });
    });
    this.connection.onNotification(() => { /* log messages */ });
    this.connection.onRequest(() => null);
    this.connection.listen();
  }

  get pid(): number {
    return this.child.pid!;
  }

  async initialize(workspace: string): Promise<void> {
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'bench' }],
      capabilities: { textDocument: { publishDiagnostics: {}, synchronization: { didSave: false } } },
      initializationOptions: { locale: 'en' },
    });
    await this.connection.sendNotification('initialized', {});
    this.initialized = performance.now() - this.started;
  }

  /** Resolves with the time the diagnostics of `uri` (at `version`, or any) arrive. */
  diagnostics(uri: string, version: number | null, timeoutMs = 120_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}@${version} in ${timeoutMs} ms; server stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({ uri, version, resolve: (at) => { clearTimeout(timer); resolve(at); } });
    });
  }

  open(uri: string, text: string, version = 1): void {
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version, text } });
  }

  close(uri: string): void {
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Sends a change and times it until its diagnostics arrive. */
  async change(uri: string, version: number, contentChanges: unknown[]): Promise<Sample> {
    const arrived = this.diagnostics(uri, version);
    const before = processTime(this.pid);
    const sent = performance.now();
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
    const at = await arrived;
    const after = processTime(this.pid);
    return { wall: at - sent, cpu: before && after ? after.cpu - before.cpu : null };
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), sleep(3000)]);
      await this.connection.sendNotification('exit');
    } catch { /* already gone */ }
    await Promise.race([exited, sleep(3000)]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    this.connection.dispose();
  }
}

export interface LatencyResult {
  size: number;
  lines: number;
  /** Lints of another document of this size before the measures. */
  warmUp: number;
  cold: Summary;
  edit: Summary;
}

export interface ServerResult {
  /** Spawn → initialize answered, ms. */
  initialize: number;
  /** Spawn → first diagnostics of a 300-line document opened right after initialization, ms. */
  firstDiagnostics: number;
  /** One-line edits of that document right after start, before any warm-up. */
  afterStart: { lines: number; edit: Summary };
  latency: LatencyResult[];
  /** Started as the VS Code client starts it (SERVER_ENVIRONMENT). */
  memory: Memory | null;
  /** The same, started without SERVER_ENVIRONMENT (as a plain `node dist/server.js --stdio`). */
  memoryPlain: Memory | null;
}

export interface Memory { idle: number | null; open200: number | null; peak200: number | null; closed200: number | null; documents: number }

export interface ServerPlan {
  /** Per size: warm-up lints (not measured), then cold and edit samples. */
  sizes: SizePlan[];
  documents: number;
  /** Edits right after start (measured), before any warm-up. */
  afterStart: number;
}

export interface SizePlan { lines: number; warmUp: number; cold: number; edit: number }

export async function benchServer(root: string, corpus: Doc[], plan: ServerPlan, log: (line: string) => void): Promise<ServerResult> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dfs-bench-server-'));
  const uriOf = (name: string) => pathToFileURL(path.join(workspace, name, 'Dockerfile')).href;
  try {
    // Latency, and the time to the first diagnostics.
    const session = new Session(root);
    let latency: LatencyResult[] = [];
    let firstDiagnostics = NaN;
    let afterStart: ServerResult['afterStart'] = { lines: 0, edit: summarize([]) };
    try {
      await session.initialize(workspace);
      const small = stacked(corpus, 300);
      const first = session.diagnostics(uriOf('first'), 1);
      session.open(uriOf('first'), small.text);
      firstDiagnostics = (await first) - session.started;
      // Right after start V8 has not optimised the rules yet: about 100 lints go by before a lint settles to its
      // steady time (measured in one process: a 300-line one-line edit takes 6-15 ms during the first 50 lints,
      // 2.5 ms after 100; 5,000 lines: 25-55 ms during the first 60, 20 ms after 100). Those first edits are
      // measured on their own; each size is then measured after warm-up lints of another document of its size,
      // in the steady state an editing session spends its time in.
      afterStart = { lines: small.lines, edit: summarize(await edits(session, uriOf('first'), small.text, 1, plan.afterStart, PAUSE_MS)) };
      log(`  server: ${plan.afterStart} edits right after start`);
      latency = [];
      for (const [index, size] of plan.sizes.entries()) {
        await warmUp(session, corpus, uriOf(`warm-up-${size.lines}`), size.lines, size.warmUp, '\t'.repeat(8 + index));
        latency.push(await measureSize(session, corpus, size, uriOf(`size-${size.lines}`), '\t'.repeat(index + 1), log));
      }
    } finally {
      await session.stop();
    }

    // Memory with many documents open, in a server of its own: as the VS Code client starts it, then plain.
    const memory = await measureMemory(root, workspace, corpus, plan.documents, uriOf, true, log);
    const memoryPlain = await measureMemory(root, workspace, corpus, plan.documents, uriOf, false, log);
    return { initialize: session.initialized, firstDiagnostics, afterStart, latency, memory, memoryPlain };
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

/** Resident memory of a server of its own: idle with one document, with `documents` corpus files open, after closing them. */
async function measureMemory(root: string, workspace: string, corpus: Doc[], documents: number, uriOf: (name: string) => string,
  launchEnvironment: boolean, log: (line: string) => void): Promise<Memory | null> {
  let memory: Memory | null = null;
  const rssSession = new Session(root, launchEnvironment);
  try {
    await rssSession.initialize(workspace);
    const warm = rssSession.diagnostics(uriOf('idle'), 1);
    rssSession.open(uriOf('idle'), stacked(corpus, 300).text);
    await warm;
    await sleep(500);
    const idle = memoryOf(rssSession.pid);
    const step = corpus.length / documents;
    const docs = Array.from({ length: Math.min(documents, corpus.length) }, (_, i) => corpus[Math.floor(i * step)]);
    const opened = docs.map((d, i) => {
      const uri = uriOf(`open-${i}-${d.name}`);
      const done = rssSession.diagnostics(uri, 1);
      rssSession.open(uri, d.text);
      return { uri, done };
    });
    await Promise.all(opened.map((o) => o.done));
    const open = memoryOf(rssSession.pid);
    log(`  server${launchEnvironment ? '' : ' (plain environment)'}: ${docs.length} documents open`);
    const closed = opened.map((o) => {
      const done = rssSession.diagnostics(o.uri, null);
      rssSession.close(o.uri);
      return done;
    });
    await Promise.all(closed);
    await sleep(2000);
    const after = memoryOf(rssSession.pid);
    memory = idle && open && after ? { idle: idle.rss, open200: open.rss, peak200: open.peak, closed200: after.rss, documents: docs.length } : null;
  } finally {
    await rssSession.stop();
  }
  return memory;
}

/**
 * `count` one-line edits of the open document `uri` (at `version`, with text `text`): a comment at the end of
 * a RUN line, different each time, as when typing. Resolves with the samples; the document ends at
 * `version + count`.
 */
async function edits(session: Session, uri: string, text: string, version: number, count: number, pause: number): Promise<Sample[]> {
  const at = editableLine(text);
  let previous = 0;
  const samples: Sample[] = [];
  for (let k = 1; k <= count; k++) {
    const inserted = ` # edit ${k}`;
    const range = { start: at, end: { line: at.line, character: at.character + previous } };
    samples.push(await session.change(uri, ++version, [{ range, text: inserted }]));
    previous = inserted.length;
    await sleep(pause);
  }
  return samples;
}

/**
 * About `lints` lints of a document of `lines` lines of its own, a whole new text (`salt`: one no measure uses)
 * followed by nine one-line edits, over and over.
 */
async function warmUp(session: Session, corpus: Doc[], uri: string, lines: number, lints: number, salt: string): Promise<void> {
  let text = stacked(corpus, lines, 0, salt).text;
  let version = 1;
  const opened = session.diagnostics(uri, version);
  session.open(uri, text, version);
  await opened;
  for (let k = 1; k < lints; k += 10) {
    text = stacked(corpus, lines, k, salt).text;
    await session.change(uri, ++version, [{ text }]);
    await sleep(WARM_UP_PAUSE_MS);
    await edits(session, uri, text, version, 9, WARM_UP_PAUSE_MS);
    version += 9;
  }
  session.close(uri);
}

async function measureSize(session: Session, corpus: Doc[], size: SizePlan, uri: string,
  salt: string, log: (line: string) => void): Promise<LatencyResult> {
  let version = 1;
  const base = stacked(corpus, size.lines);
  const opened = session.diagnostics(uri, version);
  session.open(uri, base.text, version);
  await opened;
  // Cold: the whole text replaced by a variant whose instructions the server has never seen (first sample not kept).
  const cold: Sample[] = [];
  let text = base.text;
  for (let k = 0; k <= size.cold; k++) {
    text = stacked(corpus, size.lines, k + 1, salt).text;
    const sample = await session.change(uri, ++version, [{ text }]);
    if (k > 0) cold.push(sample);
    await sleep(PAUSE_MS);
  }
  log(`  server ${size.lines} lines: cold done`);
  // Edit: one RUN line changed (first sample not kept).
  const edit = (await edits(session, uri, text, version, size.edit + 1, PAUSE_MS)).slice(1);
  log(`  server ${size.lines} lines: edit done`);
  session.close(uri);
  return { size: size.lines, lines: base.lines, warmUp: size.warmUp, cold: summarize(cold), edit: summarize(edit) };
}
