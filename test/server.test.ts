// Protocol tests of the bundled language server (dist/server.js) spoken to over stdio, as an editor would.
// Nothing here sleeps: every wait is on a notification, a server->client request or a response, with a
// generous safety timeout that fails the test instead of hanging it.
import { strict as assert } from 'assert';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  Diagnostic,
  DocumentDiagnosticReport,
  FullDocumentDiagnosticReport,
  Hover,
  InitializeResult,
  MarkupContent,
  PublishDiagnosticsParams,
  Range,
  TextDocumentContentChangeEvent,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import { keywordHover } from '../shared/hover';
import { RULES_BY_ID } from '../shared/rules';
import { applyEdits } from '../shared/textDocument';
import { ROOT } from './helpers';

/** The labels the `labels` rule asks for, so that a FROM line carries no finding of its own. */
const OCI_LABELS = 'LABEL org.opencontainers.image.title=app org.opencontainers.image.description=demo '
  + 'org.opencontainers.image.source=https://example.com/app org.opencontainers.image.licenses=MIT';

// DOCKERFILE_SEGURO_SERVER points the tests at another build (e.g. a deliberately broken copy).
const SERVER = process.env.DOCKERFILE_SEGURO_SERVER ?? path.join(ROOT, 'dist', 'server.js');
const WAIT_MS = 30_000;
const SOURCE = 'dockerfile-seguro';
const FIX_ALL_KIND = 'source.fixAll.dockerfileSeguro';
const COPY_URL = 'https://github.com/UlisesGascon/docker-seguro/blob/main/manuscript/c03.md#315-copy-o-add';
const ADD_FILE = 'FROM alpine:3.20\nADD app.py /app/\n';
const EN_MESSAGE = 'ADD copies only local files here: use COPY, which has no implicit download or unpacking.';
const ES_MESSAGE = 'Este ADD solo copia ficheros locales: usa COPY, que no descarga ni descomprime de forma implícita.';

const range = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

interface StartOptions {
  /** Client capabilities sent in `initialize`. */
  capabilities?: Record<string, unknown>;
  locale?: string;
  initializationOptions?: unknown;
}

interface OpenDoc {
  text: string;
  version: number;
}

/** A minimal LSP client around one server process. */
class TestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly configurationRequests: { scopeUri?: string; section?: string }[] = [];
  readonly registrations: { id: string; method: string; registerOptions?: unknown }[] = [];
  readonly logs: { type: number; message: string }[] = [];
  readonly docs = new Map<string, OpenDoc>();
  refreshes = 0;
  stderr = '';
  exitCode: number | null | undefined = undefined;
  /** Answers `workspace/configuration` for a document (the `dockerfileSeguro` section). */
  settings: (scopeUri: string | undefined) => unknown = () => null;
  /** While set, `workspace/configuration` answers wait for it. */
  configurationGate: Promise<void> | null = null;
  initializeResult!: InitializeResult;
  private readonly listeners = new Set<() => void>();
  private readonly exited: Promise<number | null>;

  private constructor(readonly proc: ChildProcess, readonly connection: MessageConnection) {
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => { this.stderr += chunk; });
    this.exited = new Promise((resolve) => proc.on('exit', (code) => {
      this.exitCode = code;
      this.notify();
      resolve(code);
    }));
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push(params);
      this.notify();
    });
    connection.onNotification('window/logMessage', (params: { type: number; message: string }) => {
      this.logs.push(params);
    });
    connection.onRequest('workspace/configuration', async (params: { items: { scopeUri?: string; section?: string }[] }) => {
      this.configurationRequests.push(...params.items);
      this.notify();
      if (this.configurationGate) await this.configurationGate;
      return params.items.map((item) => (item.section === 'dockerfileSeguro' ? this.settings(item.scopeUri) : null));
    });
    connection.onRequest('client/registerCapability', (params: { registrations: { id: string; method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...params.registrations);
      this.notify();
      return null;
    });
    connection.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes++;
      this.notify();
      return null;
    });
    connection.onError(() => { /* the exit handler reports a dead server */ });
    connection.listen();
  }

  static async start(options: StartOptions = {}): Promise<TestClient> {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
    const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new TestClient(proc, connection);
    client.initializeResult = await client.request<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: options.capabilities ?? {},
      ...(options.locale !== undefined ? { locale: options.locale } : {}),
      ...(options.initializationOptions !== undefined ? { initializationOptions: options.initializationOptions } : {}),
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Resolves with the first defined value of `probe`, re-checked on every message from the server. */
  waitUntil<T>(what: string, probe: () => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = () => {
        const value = probe();
        if (value !== undefined) {
          cleanup();
          resolve(value);
        } else if (!this.alive) {
          cleanup();
          reject(new Error(`Server exited (code ${this.exitCode}) while waiting for ${what}. stderr:\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out waiting for ${what}. Published: ${JSON.stringify(this.published.map((p) => [p.uri, p.version, p.diagnostics.length]))}`));
      }, WAIT_MS);
      this.listeners.add(check);
      check();
    });
  }

  /** Index to pass to `pushed` so that only notifications received from now on count. */
  mark(): number {
    return this.published.length;
  }

  /** The first publishDiagnostics for `uri` with `version` (undefined: without a version) received after `mark`. */
  pushed(uri: string, version: number | undefined, mark: number): Promise<Diagnostic[]> {
    return this.waitUntil(`diagnostics of ${uri} v${version}`, () =>
      this.published.slice(mark).find((p) => p.uri === uri && p.version === version)?.diagnostics);
  }

  publishedFor(uri: string): PublishDiagnosticsParams[] {
    return this.published.filter((p) => p.uri === uri);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    const exited = this.exited.then((code) => { throw new Error(`Server exited (code ${code}) during ${method}. stderr:\n${this.stderr}`); });
    let timer: NodeJS.Timeout;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`Timed out waiting for ${method}`)), WAIT_MS); });
    return Promise.race([this.connection.sendRequest<R>(method, params), exited, timeout]).finally(() => clearTimeout(timer));
  }

  notifyServer(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    this.docs.set(uri, { text, version });
    return this.notifyServer('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version, text } });
  }

  /** Sends changes (full text or ranged edits against the current text); returns the new version. */
  change(uri: string, changes: TextDocumentContentChangeEvent[]): number {
    const doc = this.docs.get(uri);
    assert.ok(doc, `${uri} is not open`);
    for (const c of changes) {
      doc.text = 'range' in c && c.range ? applyEdits(doc.text, [{ range: c.range, newText: c.text }]) : c.text;
    }
    doc.version++;
    void this.notifyServer('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: changes });
    return doc.version;
  }

  close(uri: string): Promise<void> {
    this.docs.delete(uri);
    return this.notifyServer('textDocument/didClose', { textDocument: { uri } });
  }

  async openAndWait(uri: string, text: string, version = 1): Promise<Diagnostic[]> {
    const mark = this.mark();
    await this.open(uri, text, version);
    return this.pushed(uri, version, mark);
  }

  async changeAndWait(uri: string, text: string): Promise<Diagnostic[]> {
    const mark = this.mark();
    const version = this.change(uri, [{ text }]);
    return this.pushed(uri, version, mark);
  }

  text(uri: string): string {
    return this.docs.get(uri)!.text;
  }

  /** textDocument/diagnostic; the server has no result ids, so every report must be a full one. */
  async pull(uri: string): Promise<FullDocumentDiagnosticReport> {
    const report = await this.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(report.kind, 'full');
    return report as FullDocumentDiagnosticReport;
  }

  hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.request('textDocument/hover', { textDocument: { uri }, position: { line, character } });
  }

  codeActions(uri: string, diagnostics: Diagnostic[], only?: string[], at?: Range): Promise<CodeAction[]> {
    return this.request('textDocument/codeAction', {
      textDocument: { uri },
      range: at ?? diagnostics[0]?.range ?? range(0, 0, 0, 0),
      context: { diagnostics, ...(only ? { only } : {}) },
    });
  }

  /** shutdown + exit, then the exit code (the process is killed if it does not go). */
  async stop(): Promise<number | null> {
    if (this.alive) {
      try {
        await this.request('shutdown', null);
        await this.notifyServer('exit', null);
      } catch {
        // fall through to the kill below
      }
    }
    let timer: NodeJS.Timeout;
    const code = await Promise.race([
      this.exited,
      new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), WAIT_MS); }),
    ]).finally(() => clearTimeout(timer));
    this.connection.dispose();
    if (code === 'timeout') {
      this.proc.kill();
      throw new Error('The server did not exit after shutdown/exit');
    }
    return code;
  }
}

function only<T>(items: T[], what: string): T {
  assert.equal(items.length, 1, `expected exactly one ${what}, got ${JSON.stringify(items, null, 1)}`);
  return items[0];
}

const ofRule = (diagnostics: Diagnostic[], id: string) => diagnostics.filter((d) => d.code === id);

/** Applies a WorkspaceEdit (changes form) for `uri` to `text`. */
function applyWorkspaceEdit(text: string, edit: WorkspaceEdit | undefined, uri: string): string {
  assert.ok(edit?.changes, 'the action has no edit');
  assert.deepEqual(Object.keys(edit.changes), [uri], 'the edit touches exactly this document');
  return applyEdits(text, edit.changes[uri] as TextEdit[]);
}

function markdown(hover: Hover | null): string {
  assert.ok(hover, 'expected a hover');
  const contents = hover.contents as MarkupContent;
  assert.equal(contents.kind, 'markdown');
  return contents.value;
}

/** Versions published for `uri` never go backwards: a stale result is never sent after a newer one. */
function assertMonotonic(client: TestClient, uri: string): void {
  const versions = client.publishedFor(uri).map((p) => p.version).filter((v): v is number => v !== undefined);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `versions published out of order: ${versions}`);
}

function ruleImplemented(id: string): boolean {
  return !!RULES_BY_ID.get(id)?.meta.docs.en.title;
}

const PULL_CAPS = { textDocument: { diagnostic: { dynamicRegistration: false } } };
const CONFIG_CAPS = { workspace: { configuration: true } };

let uriCounter = 0;
const newUri = (name = 'Dockerfile') => `file:///workspace/${++uriCounter}/${name}`;

describe('server: push diagnostics (no pull support)', () => {
  let client: TestClient;
  before(async () => { client = await TestClient.start(); });
  after(async () => { assert.equal(await client.stop(), 0, 'clean exit after shutdown + exit'); });

  it('announces incremental sync, hover and code actions, and no diagnostic provider', () => {
    const caps = client.initializeResult.capabilities;
    assert.equal(caps.textDocumentSync, 2);
    assert.equal(caps.hoverProvider, true);
    assert.ok(caps.codeActionProvider, 'codeActionProvider');
    assert.equal(caps.diagnosticProvider, undefined);
    assert.equal(client.initializeResult.serverInfo?.name, 'dockerfile-seguro');
  });

  it('didOpen publishes the prefer-copy diagnostic with every field', async () => {
    const uri = newUri();
    const diagnostics = await client.openAndWait(uri, ADD_FILE);
    for (const d of diagnostics) assert.equal(d.source, SOURCE);
    const d = only(ofRule(diagnostics, 'prefer-copy'), 'prefer-copy diagnostic');
    assert.deepEqual(d, {
      range: range(1, 0, 1, 3),
      severity: 2,
      source: SOURCE,
      code: 'prefer-copy',
      codeDescription: { href: COPY_URL },
      message: EN_MESSAGE,
      data: {
        ruleId: 'prefer-copy',
        version: 1,
        fixes: [{ title: 'Replace ADD with COPY', kind: 'quickfix', edits: [{ range: range(1, 0, 1, 3), newText: 'COPY' }] }],
      },
    });
  });

  it('CRLF documents get the same ranges', async () => {
    const uri = newUri();
    const diagnostics = await client.openAndWait(uri, 'FROM alpine:3.20\r\nRUN true\r\nADD app.py /app/\r\n');
    assert.deepEqual(only(ofRule(diagnostics, 'prefer-copy'), 'prefer-copy diagnostic').range, range(2, 0, 2, 3));
  });

  it('incremental and full changes publish diagnostics of the new version only', async () => {
    const uri = newUri();
    await client.openAndWait(uri, ADD_FILE);

    // Incremental: `app.py` becomes an archive, which ADD would unpack on purpose.
    let mark = client.mark();
    let version = client.change(uri, [{ range: range(1, 4, 1, 10), text: 'app.tar.gz' }]);
    assert.equal(client.text(uri), 'FROM alpine:3.20\nADD app.tar.gz /app/\n');
    let diagnostics = await client.pushed(uri, version, mark);
    assert.deepEqual(ofRule(diagnostics, 'prefer-copy'), []);
    assert.ok(client.published.slice(mark).every((p) => p.uri !== uri || p.version === version), 'only the new version was published');

    // Incremental: two edits in one notification, the second against the text the first produced.
    mark = client.mark();
    version = client.change(uri, [
      { range: range(2, 0, 2, 0), text: 'add b.py /b/\n' },
      { range: range(0, 5, 0, 11), text: 'debian' },
    ]);
    assert.equal(client.text(uri), 'FROM debian:3.20\nADD app.tar.gz /app/\nadd b.py /b/\n');
    diagnostics = await client.pushed(uri, version, mark);
    const d = only(ofRule(diagnostics, 'prefer-copy'), 'prefer-copy diagnostic');
    assert.deepEqual(d.range, range(2, 0, 2, 3));
    assert.equal((d.data as { version: number }).version, version);
    assert.deepEqual((d.data as { fixes: { edits: TextEdit[] }[] }).fixes[0].edits, [{ range: range(2, 0, 2, 3), newText: 'copy' }]);

    // Full text.
    mark = client.mark();
    version = client.change(uri, [{ text: 'FROM alpine:3.20\nRUN true\n\nADD x /x\nADD y /y\n' }]);
    diagnostics = await client.pushed(uri, version, mark);
    assert.deepEqual(ofRule(diagnostics, 'prefer-copy').map((x) => x.range), [range(3, 0, 3, 3), range(4, 0, 4, 3)]);
    assert.ok(ofRule(diagnostics, 'prefer-copy').every((x) => (x.data as { version: number }).version === version));
    assertMonotonic(client, uri);
  });

  it('a burst of changes ends with the diagnostics of the last version, never older ones after it', async () => {
    const uri = newUri();
    await client.openAndWait(uri, 'FROM alpine:3.20\n');
    const mark = client.mark();
    let version = 0;
    for (let i = 1; i <= 5; i++) version = client.change(uri, [{ text: `FROM alpine:3.20\n${'ADD f /f\n'.repeat(i)}` }]);
    const diagnostics = await client.pushed(uri, version, mark);
    assert.equal(ofRule(diagnostics, 'prefer-copy').length, 5);
    // A hover answer means every earlier message was handled: nothing may be published after the last version.
    await client.hover(uri, 0, 0);
    const last = client.publishedFor(uri).at(-1)!;
    assert.equal(last.version, version);
    assertMonotonic(client, uri);
  });

  it('documents are independent', async () => {
    const a = newUri();
    const b = newUri();
    const [da, db] = await Promise.all([client.openAndWait(a, ADD_FILE), client.openAndWait(b, 'FROM alpine:3.20\nCOPY app.py /app/\n')]);
    assert.equal(ofRule(da, 'prefer-copy').length, 1);
    assert.equal(ofRule(db, 'prefer-copy').length, 0);
  });

  it('didClose publishes an empty list', async () => {
    const uri = newUri();
    await client.openAndWait(uri, ADD_FILE);
    const mark = client.mark();
    await client.close(uri);
    const diagnostics = await client.pushed(uri, undefined, mark);
    assert.deepEqual(diagnostics, []);
  });
});

describe('server: pull diagnostics', () => {
  let client: TestClient;
  before(async () => { client = await TestClient.start({ capabilities: PULL_CAPS }); });
  after(async () => { await client.stop(); });

  it('announces a diagnostic provider', () => {
    assert.deepEqual(client.initializeResult.capabilities.diagnosticProvider, {
      identifier: SOURCE, interFileDependencies: false, workspaceDiagnostics: false,
    });
  });

  it('textDocument/diagnostic returns a full report and nothing is pushed', async () => {
    const uri = newUri();
    await client.open(uri, ADD_FILE);
    let report = await client.pull(uri);
    assert.equal(report.kind, 'full');
    let d = only(ofRule(report.items, 'prefer-copy'), 'prefer-copy diagnostic');
    assert.deepEqual(d.range, range(1, 0, 1, 3));
    assert.equal(d.codeDescription?.href, COPY_URL);
    assert.equal((d.data as { version: number }).version, 1);

    const version = client.change(uri, [{ range: range(1, 0, 1, 0), text: 'RUN true\n' }]);
    report = await client.pull(uri);
    d = only(ofRule(report.items, 'prefer-copy'), 'prefer-copy diagnostic');
    assert.deepEqual(d.range, range(2, 0, 2, 3));
    assert.equal((d.data as { version: number }).version, version);

    await client.close(uri);
    // Responses come after every earlier message was handled: a push would already be here.
    await client.hover(uri, 0, 0);
    assert.deepEqual(client.published, []);
  });

  it('answers for an unopened document with an empty full report', async () => {
    const report = await client.pull(newUri());
    assert.deepEqual(report, { kind: 'full', items: [] });
  });
});

describe('server: code actions', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start({
      capabilities: { textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'source'] } } } } },
    });
  });
  after(async () => { await client.stop(); });

  it('announces its code action kinds', () => {
    assert.deepEqual(client.initializeResult.capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'refactor.rewrite', FIX_ALL_KIND] });
  });

  it('the preferred quick fix replaces ADD with COPY and the finding goes away', async () => {
    const uri = newUri();
    const diagnostic = only(ofRule(await client.openAndWait(uri, ADD_FILE), 'prefer-copy'), 'prefer-copy diagnostic');
    const actions = await client.codeActions(uri, [diagnostic]);
    const fix = only(actions.filter((a) => a.title === 'Replace ADD with COPY'), 'replace action');
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.diagnostics, [diagnostic]);
    assert.equal(actions.filter((a) => a.isPreferred).length, 1, 'one preferred action');
    assert.ok(!actions.some((a) => a.kind === FIX_ALL_KIND), 'no source action without context.only');
    const text = applyWorkspaceEdit(client.text(uri), fix.edit, uri);
    assert.equal(text, 'FROM alpine:3.20\nCOPY app.py /app/\n');
    assert.deepEqual(ofRule(await client.changeAndWait(uri, text), 'prefer-copy'), []);
  });

  it('"Disable prefer-copy for this line" adds an ignore comment that silences the finding', async () => {
    const uri = newUri();
    const diagnostic = only(ofRule(await client.openAndWait(uri, 'FROM alpine:3.20\n  ADD app.py /app/\n'), 'prefer-copy'), 'prefer-copy diagnostic');
    const actions = await client.codeActions(uri, [diagnostic]);
    const disable = only(actions.filter((a) => a.title === 'Disable prefer-copy for this line'), 'disable action');
    assert.equal(disable.kind, 'quickfix');
    assert.ok(!disable.isPreferred);
    const text = applyWorkspaceEdit(client.text(uri), disable.edit, uri);
    assert.equal(text, 'FROM alpine:3.20\n  # dockerfile-seguro ignore=prefer-copy\n  ADD app.py /app/\n');
    assert.deepEqual(ofRule(await client.changeAndWait(uri, text), 'prefer-copy'), []);
  });

  it('"Disable ..." extends an ignore comment already above the line', async () => {
    const uri = newUri();
    const original = 'FROM alpine:3.20\n# dockerfile-seguro ignore=user-root -- reviewed\nADD app.py /app/\n';
    const diagnostic = only(ofRule(await client.openAndWait(uri, original), 'prefer-copy'), 'prefer-copy diagnostic');
    const disable = only((await client.codeActions(uri, [diagnostic])).filter((a) => a.title === 'Disable prefer-copy for this line'), 'disable action');
    const text = applyWorkspaceEdit(original, disable.edit, uri);
    assert.equal(text, 'FROM alpine:3.20\n# dockerfile-seguro ignore=user-root,prefer-copy -- reviewed\nADD app.py /app/\n');
    assert.deepEqual(ofRule(await client.changeAndWait(uri, text), 'prefer-copy'), []);
  });

  it('"Fix all prefer-copy problems" fixes every ADD, offered once', async () => {
    const uri = newUri();
    const original = 'FROM alpine:3.20\nADD a.py /app/\nRUN true\nADD --chown=1000 b.py /app/\nadd c.py /app/\n';
    const diagnostics = ofRule(await client.openAndWait(uri, original), 'prefer-copy');
    assert.equal(diagnostics.length, 3);
    const actions = await client.codeActions(uri, diagnostics, undefined, range(1, 0, 4, 3));
    const fixAll = only(actions.filter((a) => a.title === 'Fix all prefer-copy problems'), 'fix-all-rule action');
    assert.equal(fixAll.kind, 'quickfix');
    assert.equal(actions.filter((a) => a.title === 'Replace ADD with COPY').length, 3, 'one fix per diagnostic');
    const text = applyWorkspaceEdit(original, fixAll.edit, uri);
    assert.equal(text, 'FROM alpine:3.20\nCOPY a.py /app/\nRUN true\nCOPY --chown=1000 b.py /app/\ncopy c.py /app/\n');
    assert.deepEqual(ofRule(await client.changeAndWait(uri, text), 'prefer-copy'), []);
  });

  for (const kind of [FIX_ALL_KIND, 'source.fixAll', 'source']) {
    it(`context.only ['${kind}'] returns just the fix-all source action, which fixes everything`, async () => {
      const uri = newUri();
      const original = 'FROM alpine:3.20\nADD a.py /app/\nADD b.py /app/\nADD c.py /app/\n';
      const diagnostics = await client.openAndWait(uri, original);
      const action = only(await client.codeActions(uri, diagnostics, [kind]), 'source action');
      assert.equal(action.kind, FIX_ALL_KIND);
      assert.equal(action.title, 'Fix all Dockerfile Seguro problems');
      const text = applyWorkspaceEdit(original, action.edit, uri);
      assert.match(text, /^FROM alpine:3\.20\nCOPY a\.py \/app\/\nCOPY b\.py \/app\/\nCOPY c\.py \/app\/\n/);
      const after = await client.changeAndWait(uri, text);
      assert.deepEqual(ofRule(after, 'prefer-copy'), []);
      for (const d of after) {
        assert.ok(!(d.data as { fixes: { kind: string }[] }).fixes.some((f) => f.kind === 'quickfix'), `a quick fix was left: ${d.code}`);
      }
    });
  }

  it('context.only filters out what was not asked for', async () => {
    const uri = newUri();
    const diagnostics = await client.openAndWait(uri, ADD_FILE);
    const quickfixes = await client.codeActions(uri, diagnostics, ['quickfix']);
    assert.ok(quickfixes.some((a) => a.title === 'Replace ADD with COPY'));
    assert.ok(quickfixes.every((a) => a.kind === 'quickfix'));
    assert.deepEqual(await client.codeActions(uri, diagnostics, ['source.organizeImports']), []);
    const refactors = await client.codeActions(uri, diagnostics, ['refactor']);
    assert.ok(refactors.every((a) => a.kind?.startsWith('refactor')), refactors.map((a) => a.kind).join(', '));
    assert.ok(!refactors.some((a) => a.title === 'Replace ADD with COPY'));
  });

  it('the fix-all source action on a clean file changes nothing', async () => {
    const uri = newUri();
    const original = 'FROM alpine:3.20\nCOPY a.py /app/\nUSER nobody\nCMD ["/app/a.py"]\n';
    const diagnostics = await client.openAndWait(uri, original);
    const actions = await client.codeActions(uri, diagnostics, [FIX_ALL_KIND]);
    for (const action of actions) assert.equal(applyWorkspaceEdit(original, action.edit, uri), original);
  });

  it('a stale diagnostic gets no fix, only the disable action', async () => {
    const uri = newUri();
    const stale = only(ofRule(await client.openAndWait(uri, ADD_FILE), 'prefer-copy'), 'prefer-copy diagnostic');
    const fresh = only(ofRule(await client.changeAndWait(uri, 'FROM alpine:3.20\nADD main.py /app/\n'), 'prefer-copy'), 'prefer-copy diagnostic');
    assert.equal((stale.data as { version: number }).version, 1);
    assert.equal((fresh.data as { version: number }).version, 2);

    const staleActions = await client.codeActions(uri, [stale]);
    assert.deepEqual(staleActions.map((a) => a.title), ['Disable prefer-copy for this line']);
    assert.equal(applyWorkspaceEdit(client.text(uri), staleActions[0].edit, uri),
      'FROM alpine:3.20\n# dockerfile-seguro ignore=prefer-copy\nADD main.py /app/\n');

    // Control: the same request with the current diagnostic does offer the fixes.
    const freshTitles = (await client.codeActions(uri, [fresh])).map((a) => a.title);
    assert.ok(freshTitles.includes('Replace ADD with COPY'));
    assert.ok(freshTitles.includes('Fix all prefer-copy problems'));
  });

  it('diagnostics of other sources are left alone', async () => {
    const uri = newUri();
    const [ours] = ofRule(await client.openAndWait(uri, ADD_FILE), 'prefer-copy');
    const foreign: Diagnostic = { ...ours, source: 'hadolint', code: 'DL3020' };
    assert.deepEqual(await client.codeActions(uri, [foreign]), []);
  });
});

describe('server: hover', () => {
  let client: TestClient;
  const flagged = newUri();
  const clean = newUri();
  const CLEAN = `FROM alpine:3.20\n# a comment\n${OCI_LABELS}\nHEALTHCHECK CMD true\nuser app\nCMD ["app"]\n`;
  before(async () => {
    client = await TestClient.start();
    await client.openAndWait(flagged, ADD_FILE);
    await client.openAndWait(clean, CLEAN);
  });
  after(async () => { await client.stop(); });

  it('over a flagged ADD: the rule title, why, and the guide link', async () => {
    for (const character of [0, 2, 3]) {
      const value = markdown(await client.hover(flagged, 1, character));
      assert.ok(value.includes('**Use COPY for local files** (rule `prefer-copy`)'), value);
      assert.ok(value.includes(EN_MESSAGE), value);
      assert.ok(value.includes('**Why:** ADD has hidden extra behaviour'), value);
      assert.ok(value.includes('**How to fix:**'), value);
      assert.ok(value.includes(`(${COPY_URL})`), value);
    }
  });

  for (const [keyword, line] of [['FROM', 0], ['LABEL', 2], ['HEALTHCHECK', 3], ['USER', 4]] as const) {
    it(`over ${keyword} on a clean line: the keyword advice with a guide link`, async () => {
      const hover = await client.hover(clean, line, 1);
      assert.equal(markdown(hover), keywordHover(keyword, 'en'));
      assert.match(markdown(hover), new RegExp(`^\\*\\*${keyword}\\*\\* — .+\\]\\(https://github\\.com/UlisesGascon/docker-seguro/blob/main/manuscript/c0\\d\\.md#`, 's'));
      assert.deepEqual(hover!.range, range(line, 0, line, keyword.length));
    });
  }

  it('over plain text: null', async () => {
    assert.equal(await client.hover(flagged, 1, 6), null, 'ADD argument');
    assert.equal(await client.hover(clean, 1, 4), null, 'comment');
    assert.equal(await client.hover(clean, 5, 1), null, 'keyword without advice');
    assert.equal(await client.hover(clean, 500, 0), null, 'past the end');
  });
});

describe('server: configuration', () => {
  describe('with workspace/configuration', () => {
    let client: TestClient;
    const perUri = new Map<string, unknown>();
    before(async () => {
      client = await TestClient.start({ capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } } });
      client.settings = (uri) => perUri.get(uri!) ?? { enable: true, rules: {} };
    });
    after(async () => { await client.stop(); });

    it('registers for configuration changes and asks for the dockerfileSeguro section of the document', async () => {
      await client.waitUntil('registration', () => client.registrations.find((r) => r.method === 'workspace/didChangeConfiguration'));
      const uri = newUri();
      await client.openAndWait(uri, ADD_FILE);
      assert.ok(client.configurationRequests.some((r) => r.scopeUri === uri && r.section === 'dockerfileSeguro'));
    });

    const cases: [string, unknown, (d: Diagnostic[]) => void][] = [
      ["rules {'prefer-copy': 'off'}", { enable: true, rules: { 'prefer-copy': 'off' } }, (d) => assert.deepEqual(ofRule(d, 'prefer-copy'), [])],
      ["rules {'prefer-copy': 'error'}", { rules: { 'prefer-copy': 'error' } }, (d) => assert.equal(only(ofRule(d, 'prefer-copy'), 'diagnostic').severity, 1)],
      ["rules {'prefer-copy': 'information'}", { rules: { 'prefer-copy': 'information' } }, (d) => assert.equal(only(ofRule(d, 'prefer-copy'), 'diagnostic').severity, 3)],
      ["rules {'prefer-copy': 'hint'}", { rules: { 'prefer-copy': 'hint' } }, (d) => assert.equal(only(ofRule(d, 'prefer-copy'), 'diagnostic').severity, 4)],
      ["rules {'prefer-copy': 'bogus'} keeps the default", { rules: { 'prefer-copy': 'bogus' } }, (d) => assert.equal(only(ofRule(d, 'prefer-copy'), 'diagnostic').severity, 2)],
      ['enable: false', { enable: false, rules: {} }, (d) => assert.deepEqual(d, [])],
      ['null settings use the defaults', null, (d) => assert.equal(only(ofRule(d, 'prefer-copy'), 'diagnostic').severity, 2)],
    ];
    for (const [name, settings, check] of cases) {
      it(name, async () => {
        const uri = newUri();
        perUri.set(uri, settings);
        check(await client.openAndWait(uri, ADD_FILE));
      });
    }

    it('with enable: false no code action edits the file (fix-on-save stays off)', async () => {
      const uri = newUri();
      perUri.set(uri, { enable: false, rules: {} });
      await client.openAndWait(uri, ADD_FILE);
      for (const action of await client.codeActions(uri, [], [FIX_ALL_KIND])) {
        assert.equal(applyWorkspaceEdit(ADD_FILE, action.edit, uri), ADD_FILE, `${action.title} edits a disabled document`);
      }
    });

    it('didChangeConfiguration recomputes and republishes', async () => {
      const uri = newUri();
      perUri.set(uri, { enable: true, rules: {} });
      assert.equal(only(ofRule(await client.openAndWait(uri, ADD_FILE), 'prefer-copy'), 'diagnostic').severity, 2);

      perUri.set(uri, { enable: true, rules: { 'prefer-copy': 'error' } });
      let mark = client.mark();
      await client.notifyServer('workspace/didChangeConfiguration', { settings: null });
      assert.equal(only(ofRule(await client.pushed(uri, 1, mark), 'prefer-copy'), 'diagnostic').severity, 1);

      perUri.set(uri, { enable: true, rules: { 'prefer-copy': 'off' } });
      mark = client.mark();
      await client.notifyServer('workspace/didChangeConfiguration', { settings: null });
      assert.deepEqual(ofRule(await client.pushed(uri, 1, mark), 'prefer-copy'), []);
    });

    it('results that arrive for an outdated version are not published', async () => {
      const uri = newUri();
      let release!: () => void;
      client.configurationGate = new Promise<void>((resolve) => { release = resolve; });
      const asked = client.configurationRequests.length;
      const mark = client.mark();
      try {
        await client.open(uri, ADD_FILE);
        client.change(uri, [{ text: 'FROM alpine:3.20\nRUN true\nADD app.py /app/\n' }]);
        const version = client.change(uri, [{ text: 'FROM alpine:3.20\nRUN true\nRUN true\nADD app.py /app/\n' }]);
        await client.waitUntil('configuration request', () => (client.configurationRequests.slice(asked).some((r) => r.scopeUri === uri) ? true : undefined));
        // The answer to a request about an unopened document means both changes were handled.
        assert.deepEqual(await client.codeActions(newUri(), []), []);
        release();
        const diagnostics = await client.pushed(uri, version, mark);
        assert.deepEqual(only(ofRule(diagnostics, 'prefer-copy'), 'diagnostic').range, range(3, 0, 3, 3));
        await client.hover(uri, 0, 0);
        assert.deepEqual(client.published.slice(mark).filter((p) => p.uri === uri).map((p) => p.version), [version]);
      } finally {
        client.configurationGate = null;
        release();
      }
    });
  });

  describe('pull mode with refresh support', () => {
    let client: TestClient;
    let rules: Record<string, string> = {};
    before(async () => {
      client = await TestClient.start({ capabilities: { ...PULL_CAPS, workspace: { configuration: true, diagnostics: { refreshSupport: true } } } });
      client.settings = () => ({ enable: true, rules });
    });
    after(async () => { await client.stop(); });

    it('didChangeConfiguration sends workspace/diagnostic/refresh and the next pull uses the new settings', async () => {
      const uri = newUri();
      await client.open(uri, ADD_FILE);
      assert.equal(only(ofRule((await client.pull(uri)).items, 'prefer-copy'), 'diagnostic').severity, 2);
      assert.equal(client.refreshes, 0);
      rules = { 'prefer-copy': 'information' };
      await client.notifyServer('workspace/didChangeConfiguration', { settings: null });
      await client.waitUntil('diagnostic refresh', () => (client.refreshes > 0 ? true : undefined));
      assert.equal(only(ofRule((await client.pull(uri)).items, 'prefer-copy'), 'diagnostic').severity, 3);
      assert.deepEqual(client.published, []);
    });
  });

  describe('without workspace/configuration', () => {
    let client: TestClient;
    before(async () => { client = await TestClient.start({ initializationOptions: { settings: { rules: { 'prefer-copy': 'hint' } } } }); });
    after(async () => { await client.stop(); });

    it('initializationOptions.settings apply from the start', async () => {
      const uri = newUri();
      assert.equal(only(ofRule(await client.openAndWait(uri, ADD_FILE), 'prefer-copy'), 'diagnostic').severity, 4);
    });

    it('didChangeConfiguration params.settings.dockerfileSeguro is used', async () => {
      const uri = newUri();
      await client.openAndWait(uri, ADD_FILE);
      let mark = client.mark();
      await client.notifyServer('workspace/didChangeConfiguration', { settings: { dockerfileSeguro: { enable: true, rules: { 'prefer-copy': 'error' } } } });
      assert.equal(only(ofRule(await client.pushed(uri, 1, mark), 'prefer-copy'), 'diagnostic').severity, 1);

      mark = client.mark();
      await client.notifyServer('workspace/didChangeConfiguration', { settings: { dockerfileSeguro: { enable: false } } });
      assert.deepEqual(await client.pushed(uri, 1, mark), []);
      assert.deepEqual(client.configurationRequests, [], 'never asks for configuration it was not offered');
      assert.deepEqual(client.registrations, [], 'no dynamic registration without the capability');
    });
  });
});

describe('server: locale', () => {
  async function spanishChecks(client: TestClient): Promise<void> {
    const uri = newUri();
    const d = only(ofRule(await client.openAndWait(uri, ADD_FILE), 'prefer-copy'), 'diagnostic');
    assert.equal(d.message, ES_MESSAGE);
    const titles = (await client.codeActions(uri, [d])).map((a) => a.title);
    assert.ok(titles.includes('Reemplazar ADD por COPY'), String(titles));
    assert.ok(titles.includes('Desactivar prefer-copy en esta línea'), String(titles));
    assert.ok(titles.includes('Arreglar todos los problemas de prefer-copy'), String(titles));
    assert.equal(only(await client.codeActions(uri, [d], [FIX_ALL_KIND]), 'source action').title, 'Arreglar todos los problemas de Dockerfile Seguro');
    const value = markdown(await client.hover(uri, 1, 1));
    assert.ok(value.includes('**Usa COPY para ficheros locales** (regla `prefer-copy`)'), value);
    assert.ok(value.includes('**Por qué:**'), value);
    const clean = newUri();
    await client.openAndWait(clean, `FROM alpine:3.20\n${OCI_LABELS}\nUSER nobody\n`);
    assert.equal(markdown(await client.hover(clean, 0, 1)), keywordHover('FROM', 'es'));
  }

  it("initialize locale 'es': Spanish messages, titles and hovers", async () => {
    const client = await TestClient.start({ locale: 'es' });
    try { await spanishChecks(client); } finally { await client.stop(); }
  });

  it("initializationOptions.locale 'es-ES' wins over params.locale", async () => {
    const client = await TestClient.start({ locale: 'en', initializationOptions: { locale: 'es-ES' } });
    try { await spanishChecks(client); } finally { await client.stop(); }
  });

  for (const locale of [undefined, 'fr', 'en-GB']) {
    it(`locale ${locale ?? '(none)'}: English`, async () => {
      const client = await TestClient.start({ locale });
      try {
        const uri = newUri();
        const d = only(ofRule(await client.openAndWait(uri, ADD_FILE), 'prefer-copy'), 'diagnostic');
        assert.equal(d.message, EN_MESSAGE);
        assert.ok((await client.codeActions(uri, [d])).some((a) => a.title === 'Replace ADD with COPY'));
      } finally {
        await client.stop();
      }
    });
  }
});

describe('server: rules being written (loose checks)', () => {
  let client: TestClient;
  before(async () => { client = await TestClient.start(); });
  after(async () => { await client.stop(); });

  const cases: [string, string, number][] = [
    ['user-root', 'FROM ubuntu:24.04\nCMD ["bash"]\n', 0],
    ['update-without-install', 'FROM ubuntu:24.04\nRUN apt-get update\nRUN apt-get install -y curl\n', 1],
  ];
  for (const [id, text, line] of cases) {
    it(`${id} is reported through the server`, async (t) => {
      if (!ruleImplemented(id)) {
        t.skip('rule not implemented yet');
        return;
      }
      const uri = newUri();
      const found = ofRule(await client.openAndWait(uri, text), id);
      assert.ok(found.length > 0, `no ${id} diagnostic`);
      for (const d of found) {
        assert.equal(d.source, SOURCE);
        assert.match(d.codeDescription?.href ?? '', /^https:\/\/github\.com\/UlisesGascon\/docker-seguro\/blob\/main\/manuscript\//);
        assert.equal((d.data as { ruleId: string }).ruleId, id);
      }
      const first = found.find((d) => d.range.start.line === line) ?? found[0];
      const value = markdown(await client.hover(uri, first.range.start.line, first.range.start.character));
      assert.ok(value.includes(RULES_BY_ID.get(id)!.meta.docs.en.title), value);
    });
  }
});

describe('server: robustness', () => {
  let client: TestClient;
  before(async () => { client = await TestClient.start({ capabilities: CONFIG_CAPS }); });
  after(async () => { assert.equal(await client.stop(), 0); });

  it('requests about an unopened document are answered', async () => {
    const uri = newUri('Never-opened');
    assert.deepEqual(await client.pull(uri), { kind: 'full', items: [] });
    assert.equal(await client.hover(uri, 0, 0), null);
    assert.deepEqual(await client.codeActions(uri, []), []);
    assert.deepEqual(await client.codeActions(uri, [], [FIX_ALL_KIND]), []);
  });

  // Deterministic pseudo-random text: any byte, some non-ASCII, lone surrogates, stray CRs.
  function garbage(seed: number, length: number): string {
    let state = seed;
    const next = () => (state = (state * 1103515245 + 12345) & 0x7fffffff);
    const pool = ['\n', '\r', '\r\n', '\\', '`', '"', "'", '<<', '$', '{', '}', '[', ']', 'ADD ', 'RUN ', 'FROM ', '\ud800', '\udfff', 'ñ', '🐳', '\t', '\u0000'];
    let out = '';
    while (out.length < length) {
      const r = next();
      out += r % 3 === 0 ? pool[r % pool.length] : String.fromCharCode(r % 256);
    }
    return out;
  }

  const lines = ['FROM alpine:3.20'];
  for (let i = 1; i < 20_000; i++) {
    // Mostly cheap instructions: a file of 20,000 RUNs takes far longer (see isPosixShell in shared/dockerfile.ts).
    lines.push(i === 1 || i === 10_000 || i === 19_999 ? `ADD f${i}.py /app/`
      : i % 20 === 0 ? `RUN echo ${i} && apk add --no-cache curl` : i % 2 ? `ENV V${i}=${i}` : `COPY f${i} /app/`);
  }
  const big = `${lines.join('\n')}\n`;

  const nasty: [string, string, ((d: Diagnostic[]) => void)?][] = [
    ['random bytes', garbage(42, 5000)],
    ['more random bytes', garbage(7, 20000)],
    ['an unterminated heredoc in RUN', 'FROM alpine:3.20\nRUN <<EOF\necho hi\nADD app.py /app/\n'],
    ['an unterminated heredoc in ADD', 'FROM alpine:3.20\nADD <<EOF /app/x\nhello\n', (d) => assert.deepEqual(ofRule(d, 'prefer-copy'), [])],
    ['a trailing continuation', 'FROM alpine:3.20\nRUN echo \\'],
    ['keywords without arguments', 'FROM\nADD\nUSER\nRUN\nCMD\n'],
    ['an unclosed JSON array', 'FROM alpine:3.20\nADD ["a.py", "/app/"\n'],
    ['a backtick escape directive', '# escape=`\nFROM alpine:3.20\nADD a.py `\n  /app/\n', (d) => assert.equal(ofRule(d, 'prefer-copy').length, 1)],
    ['a very long line', `FROM alpine:3.20\nRUN echo ${'x'.repeat(200_000)}\n`],
    ['an empty document', ''],
    ['a 20,000-line file', big, (d) => assert.deepEqual(ofRule(d, 'prefer-copy').map((x) => x.range.start.line), [1, 10_000, 19_999])],
  ];
  for (const [name, text, check] of nasty) {
    it(`still publishes diagnostics for ${name}`, async () => {
      const uri = newUri();
      const diagnostics = await client.openAndWait(uri, text);
      assert.ok(Array.isArray(diagnostics));
      const lineCount = text.split(/\r\n|\r|\n/).length;
      for (const d of diagnostics) {
        assert.equal(d.source, SOURCE);
        assert.ok(d.range.start.line >= 0 && d.range.end.line < lineCount, `range out of the document: ${JSON.stringify(d.range)}`);
      }
      check?.(diagnostics);
      // A change on top of it is handled too.
      const after = await client.changeAndWait(uri, `${text}\nADD z.py /z/\n`);
      assert.ok(Array.isArray(after));
      await client.close(uri);
    });
  }

  it('malformed diagnostic data in a code action request does not take the server down', async () => {
    const uri = newUri();
    const [d] = ofRule(await client.openAndWait(uri, ADD_FILE), 'prefer-copy');
    const broken: Diagnostic = { ...d, data: { ruleId: 'prefer-copy', version: 1, fixes: 'nope' } };
    await client.codeActions(uri, [broken]).catch(() => 'error response');
    assert.ok(client.alive);
  });

  it('is still alive and answering at the end, and logged no errors', async () => {
    const uri = newUri();
    await client.openAndWait(uri, ADD_FILE);
    assert.ok(markdown(await client.hover(uri, 1, 0)).includes('prefer-copy'));
    assert.ok(client.alive);
    const errors = client.logs.filter((l) => l.type === 1 && /Unexpected|rule .* failed/.test(l.message));
    assert.deepEqual(errors, []);
  });
});

describe('server: command line', () => {
  it('without a transport argument exits with code 2 and prints usage on stderr', () => {
    const result = spawnSync(process.execPath, [SERVER], { encoding: 'utf8', timeout: WAIT_MS, input: '' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^Usage: dockerfile-seguro-language-server --stdio/);
    assert.equal(result.stdout, '');
  });

  it('--version prints the version and exits 0', () => {
    const result = spawnSync(process.execPath, [SERVER, '--version'], { encoding: 'utf8', timeout: WAIT_MS });
    assert.equal(result.status, 0);
    assert.equal(result.stdout, 'dockerfile-seguro-language-server 0.1.0\n');
  });

  it('exits with code 1 on exit without shutdown', async () => {
    const client = await TestClient.start();
    await client.notifyServer('exit', null);
    assert.equal(await client.waitUntil('exit', () => (client.alive ? undefined : client.exitCode)), 1);
    client.connection.dispose();
  });
});
