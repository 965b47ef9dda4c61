// Protocol tests of the configuration file in the language server (dist/server.js over stdio): a workspace on
// disk with a .dockerfile-seguro.yaml, the same findings as the engine with the same options, settings layered
// over the file, reloads on workspace/didChangeWatchedFiles (or by mtime without watchers), config problems
// published on the config file, ignorePaths, and the disable-for-stage/file code actions; the build context's
// .dockerignore (read, watched, created by a fix) and documents that are not files.
import { strict as assert } from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver';
import { lint } from '../shared/engine';
import { applyEdits } from '../shared/textDocument';
import type { LintOptions } from '../shared/types';
import { ConfigLoader, lintOptionsFrom } from '../server/config';
import { loadEngine, ROOT } from './helpers';

const SERVER = process.env.DOCKERFILE_SEGURO_SERVER ?? path.join(ROOT, 'dist', 'server.js');
const WAIT_MS = 30_000;
const LSP_SEVERITY = { error: 1, warning: 2, info: 3, hint: 4 } as const;

before(loadEngine);

class Client {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly registrations: { method: string; registerOptions?: { watchers?: { globPattern: string }[] } }[] = [];
  settings: (uri: string | undefined) => unknown = () => null;
  stderr = '';
  private readonly listeners = new Set<() => void>();
  private readonly versions = new Map<string, number>();

  private constructor(readonly proc: ChildProcess, readonly connection: MessageConnection) {
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => { this.stderr += chunk; });
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => { this.published.push(p); this.notify(); });
    connection.onNotification('window/logMessage', () => { /* config problems are logged as warnings */ });
    connection.onRequest('client/registerCapability', (p: { registrations: Client['registrations'] }) => { this.registrations.push(...p.registrations); this.notify(); return null; });
    connection.onRequest('workspace/configuration', (p: { items: { scopeUri?: string; section?: string }[] }) =>
      p.items.map((item) => (item.section === 'dockerfileSeguro' ? this.settings(item.scopeUri) : null)));
    connection.listen();
  }

  static async start(workspace: string, capabilities: Record<string, unknown>): Promise<Client> {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
    const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new Client(proc, createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!)));
    const uri = pathToFileURL(workspace).href;
    await client.request('initialize', { processId: process.pid, rootUri: uri, workspaceFolders: [{ uri, name: 'ws' }], capabilities });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  waitUntil<T>(what: string, probe: () => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`Timed out waiting for ${what}. Published: ${JSON.stringify(this.published.map((p) => [p.uri, p.version, p.diagnostics.length]))}\n${this.stderr}`));
      }, WAIT_MS);
      this.listeners.add(check);
      check();
    });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  mark(): number {
    return this.published.length;
  }

  /** The first publication for `uri` after `mark` (with `version` when given) that satisfies `accept`. */
  pushed(uri: string, mark: number, version?: number, accept: (d: Diagnostic[]) => boolean = () => true): Promise<Diagnostic[]> {
    return this.waitUntil(`diagnostics of ${uri}`, () => this.published.slice(mark)
      .find((p) => p.uri === uri && (version === undefined || p.version === version) && accept(p.diagnostics))?.diagnostics);
  }

  async open(file: string): Promise<Diagnostic[]> {
    const uri = pathToFileURL(file).href;
    const mark = this.mark();
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: fs.readFileSync(file, 'utf8') } });
    return this.pushed(uri, mark, 1);
  }

  async touch(file: string): Promise<Diagnostic[]> {
    const uri = pathToFileURL(file).href;
    const version = this.versions.get(uri)! + 1;
    this.versions.set(uri, version);
    const mark = this.mark();
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: fs.readFileSync(file, 'utf8') }] });
    return this.pushed(uri, mark, version);
  }

  async stop(): Promise<void> {
    await this.request('shutdown', null).catch(() => undefined);
    await this.connection.sendNotification('exit', null).catch(() => undefined);
    await new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      const timer = setTimeout(() => { this.proc.kill(); resolve(); }, WAIT_MS);
      this.proc.on('exit', () => { clearTimeout(timer); resolve(); });
    });
    this.connection.dispose();
  }
}

/** Diagnostics reduced to what the engine also says, sorted. */
function summary(items: { code?: unknown; ruleId?: string; severity?: number; range: unknown; message: string }[]): string[] {
  return items.map((d) => JSON.stringify([d.code ?? d.ruleId, d.severity, d.range, d.message])).sort();
}

/** What the engine says about `file` with the options of its config file, in the server's shape. */
function engineSays(file: string, extra: (options: LintOptions) => LintOptions = (o) => o): string[] {
  const { config } = new ConfigLoader().resolve(file);
  const options = extra({ ...lintOptionsFrom(config), locale: config.locale ?? 'en' });
  return summary(lint(fs.readFileSync(file, 'utf8'), options).map((f) => ({ ...f, severity: LSP_SEVERITY[f.severity] })));
}

const DOCKERFILE = [
  'FROM node:22 AS build',
  'RUN apt-get update',
  'ADD app.py /app/',
  '# dockerfile-seguro ignore=user-root -- reviewed',
  'RUN apt-get install -y curl',
  'FROM gcr.io/distroless/nodejs22',
  'ADD server.js /srv/',
  '',
].join('\n');

function setUp(config: string): { ws: string; configFile: string; dockerfile: string; other: string } {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerfile-seguro-ws-'));
  fs.mkdirSync(path.join(ws, '.git'));
  fs.mkdirSync(path.join(ws, 'app'));
  fs.mkdirSync(path.join(ws, 'other'));
  const configFile = path.join(ws, '.dockerfile-seguro.yaml');
  fs.writeFileSync(configFile, config);
  const dockerfile = path.join(ws, 'app', 'Dockerfile');
  const other = path.join(ws, 'other', 'Dockerfile');
  fs.writeFileSync(dockerfile, DOCKERFILE);
  fs.writeFileSync(other, DOCKERFILE);
  return { ws, configFile, dockerfile, other };
}

/** Rewrites a file so that its mtime surely changes (the server may compare mtimes). */
function rewrite(file: string, text: string): void {
  const before = fs.statSync(file).mtimeMs;
  fs.writeFileSync(file, text);
  const later = new Date(Math.max(before, Date.now()) + 2000);
  fs.utimesSync(file, later, later);
}

const FIRST_CONFIG = 'rules:\n  prefer-copy: error\n  update-without-install: off\ntrustedRegistries: [registry.example.com]\nlocale: es\n';

describe('server: configuration file, with file watchers', () => {
  let client: Client;
  let ws: { ws: string; configFile: string; dockerfile: string; other: string };
  before(async () => {
    ws = setUp(FIRST_CONFIG);
    client = await Client.start(ws.ws, {
      workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
      textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'source'] } } } },
    });
    client.settings = (uri) => (uri === pathToFileURL(ws.other).href ? { enable: true, rules: { 'prefer-copy': 'information' } } : { enable: true, rules: {} });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(ws.ws, { recursive: true, force: true });
  });

  it('asks the client to watch the config files', async () => {
    const registration = await client.waitUntil('watcher registration', () => client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles'));
    assert.deepEqual(registration.registerOptions?.watchers?.map((w) => w.globPattern),
      ['**/.dockerfile-seguro.{yaml,yml,json}', '**/.hadolint.{yaml,yml}', '**/.dockerignore', '**/*.dockerignore']);
  });

  it('reports exactly what the engine reports with the config file\'s options', async () => {
    const diagnostics = await client.open(ws.dockerfile);
    const expected = engineSays(ws.dockerfile);
    assert.deepEqual(summary(diagnostics), expected);
    // The config made a difference (control): prefer-copy is an error, update-without-install is off, messages in Spanish.
    const copy = diagnostics.filter((d) => d.code === 'prefer-copy');
    assert.equal(copy.length, 2);
    assert.ok(copy.every((d) => d.severity === 1));
    assert.match(copy[0].message, /usa COPY/);
    assert.ok(!diagnostics.some((d) => d.code === 'update-without-install'));
    assert.notDeepEqual(expected, summary(lint(DOCKERFILE, { locale: 'en' }).map((f) => ({ ...f, severity: LSP_SEVERITY[f.severity] }))));
  });

  it('editor settings are layered over the config file and win', async () => {
    const diagnostics = await client.open(ws.other);
    assert.deepEqual(summary(diagnostics), engineSays(ws.other, (o) => ({ ...o, rules: { ...o.rules, 'prefer-copy': 'info' } })));
    assert.ok(diagnostics.filter((d) => d.code === 'prefer-copy').every((d) => d.severity === 3), 'settings win');
    assert.ok(!diagnostics.some((d) => d.code === 'update-without-install'), 'the rest of the config still applies');
  });

  it('a change on disk + didChangeWatchedFiles changes the diagnostics of open documents', async () => {
    const uri = pathToFileURL(ws.dockerfile).href;
    rewrite(ws.configFile, 'rules:\n  prefer-copy: hint\nlocale: en\n');
    const mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(ws.configFile).href, type: 2 }] });
    const diagnostics = await client.pushed(uri, mark, 1, (d) => d.some((x) => x.code === 'prefer-copy' && x.severity === 4));
    assert.deepEqual(summary(diagnostics), engineSays(ws.dockerfile));
    assert.ok(diagnostics.filter((d) => d.code === 'prefer-copy').every((d) => d.severity === 4));
    assert.ok(diagnostics.some((d) => d.code === 'update-without-install'), 'no longer off');
    assert.match(diagnostics.find((d) => d.code === 'prefer-copy')!.message, /use COPY/);
  });

  it('problems in the config file are published on it, with line and key, and cleared once fixed', async () => {
    const configUri = pathToFileURL(ws.configFile).href;
    rewrite(ws.configFile, 'rules:\n  prefer-copy: error\n  prefer-coppy: off\nlocale: fr\n');
    let mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    const problems = await client.pushed(configUri, mark, undefined, (d) => d.length > 0);
    assert.deepEqual(problems.map((d) => [d.range.start.line, d.code, d.severity]), [[2, 'rules.prefer-coppy', 1], [3, 'locale', 1]]);
    assert.match(problems[0].message, /unknown rule id "prefer-coppy" \(did you mean "prefer-copy"\?\)/);
    // The valid part still applies to the Dockerfile.
    const diagnostics = await client.pushed(pathToFileURL(ws.dockerfile).href, mark, 1, (d) => d.some((x) => x.code === 'prefer-copy' && x.severity === 1));
    assert.ok(diagnostics.filter((d) => d.code === 'prefer-copy').every((d) => d.severity === 1));

    rewrite(ws.configFile, 'rules:\n  prefer-copy: error\n');
    mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    assert.deepEqual(await client.pushed(configUri, mark), []);
  });

  it('a config document sent to the server (clients whose selector includes it) is checked as typed', async () => {
    const configUri = pathToFileURL(ws.configFile).href;
    const mark = client.mark();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: configUri, languageId: 'yaml', version: 1, text: 'rules:\n  user-root: loud\n' } });
    const problems = await client.pushed(configUri, mark, 1);
    assert.deepEqual(problems.map((d) => [d.range, d.code]), [[{ start: { line: 1, character: 13 }, end: { line: 1, character: 17 } }, 'rules.user-root']]);
    assert.match(problems[0].message, /invalid level "loud"/);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: configUri }, range: problems[0].range, context: { diagnostics: problems } });
    assert.deepEqual(actions, []);
    const closed = client.mark();
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: configUri } });
    assert.deepEqual(await client.pushed(configUri, closed), []);
  });

  it('a new config file nearer the Dockerfile takes over; its ignorePaths can exclude the Dockerfile', async () => {
    const nearer = path.join(ws.ws, 'app', '.dockerfile-seguro.yml');
    fs.writeFileSync(nearer, 'ignorePaths: ["Dockerfile"]\n');
    const mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(nearer).href, type: 1 }] });
    // (Publications of the previous step may still arrive: wait for the one that reflects the new file.)
    assert.deepEqual(await client.pushed(pathToFileURL(ws.dockerfile).href, mark, 1, (d) => d.length === 0), []);
    const sibling = path.join(ws.ws, 'app', 'api.Dockerfile');
    fs.writeFileSync(sibling, DOCKERFILE);
    const siblingDiagnostics = await client.open(sibling);
    assert.ok(siblingDiagnostics.length > 0, 'control: a Dockerfile the glob does not match is linted');
    assert.deepEqual(summary(siblingDiagnostics), engineSays(sibling), 'with the nearer config (defaults), not the one above');
    fs.rmSync(nearer);
    const mark2 = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(nearer).href, type: 3 }] });
    assert.ok((await client.pushed(pathToFileURL(ws.dockerfile).href, mark2, 1, (d) => d.length > 0)).length > 0);
  });

  it('offers "Disable … for this stage" and "… for this file", whose edits silence the finding', async () => {
    const uri = pathToFileURL(ws.dockerfile).href;
    const text = fs.readFileSync(ws.dockerfile, 'utf8');
    const diagnostics = await client.touch(ws.dockerfile);
    const target = diagnostics.find((d) => d.code === 'prefer-copy' && d.range.start.line === 6)!;
    assert.ok(target, 'prefer-copy on the second stage');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: target.range, context: { diagnostics: [target] } });
    const titles = actions.map((a) => a.title);
    for (const title of ['Disable prefer-copy for this line', 'Disable prefer-copy for this stage', 'Disable prefer-copy for this file']) assert.ok(titles.includes(title), `${title} in ${titles}`);
    const apply = (title: string) => applyEdits(text, actions.find((a) => a.title === title)!.edit!.changes![uri] as TextEdit[]);
    const { config } = new ConfigLoader().resolve(ws.dockerfile);
    const copyLines = (t: string) => lint(t, lintOptionsFrom(config)).filter((f) => f.ruleId === 'prefer-copy').map((f) => f.range.start.line);
    const stage = apply('Disable prefer-copy for this stage');
    assert.match(stage.split('\n')[5], /^# dockerfile-seguro ignore-stage=prefer-copy$/);
    assert.deepEqual(copyLines(stage), [2], 'the first stage still reports');
    assert.deepEqual(copyLines(apply('Disable prefer-copy for this file')), []);
  });
});

describe('server: configuration file, without file watchers (mtime checks)', () => {
  let client: Client;
  let ws: { ws: string; configFile: string; dockerfile: string; other: string };
  before(async () => {
    ws = setUp('rules:\n  prefer-copy: error\n');
    client = await Client.start(ws.ws, {});
  });
  after(async () => {
    await client.stop();
    fs.rmSync(ws.ws, { recursive: true, force: true });
  });

  it('registers no watcher, and reads the config on the next lint after a change on disk', async () => {
    let diagnostics = await client.open(ws.dockerfile);
    assert.deepEqual(summary(diagnostics), engineSays(ws.dockerfile));
    assert.ok(diagnostics.filter((d) => d.code === 'prefer-copy').every((d) => d.severity === 1));
    assert.deepEqual(client.registrations, []);
    rewrite(ws.configFile, 'rules:\n  prefer-copy: off\n  user-root: error\n');
    diagnostics = await client.touch(ws.dockerfile);
    assert.deepEqual(summary(diagnostics), engineSays(ws.dockerfile));
    assert.ok(!diagnostics.some((d) => d.code === 'prefer-copy'));
  });
});

describe('server: the build context\'s .dockerignore', () => {
  const CONTEXT_DOCKERFILE = 'FROM node:22.11.0-alpine3.20\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n';
  const CREATE_FILES = { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } };
  let ws: string;
  let dockerfile: string;
  let ignoreFile: string;
  const clients: Client[] = [];
  const start = async (capabilities: Record<string, unknown>) => {
    const client = await Client.start(ws, capabilities);
    clients.push(client);
    return client;
  };
  const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => d.code).filter((c) => String(c).startsWith('dockerignore'));
  before(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerfile-seguro-context-'));
    fs.mkdirSync(path.join(ws, '.git'));
    fs.mkdirSync(path.join(ws, 'app'));
    dockerfile = path.join(ws, 'app', 'Dockerfile');
    ignoreFile = path.join(ws, 'app', '.dockerignore');
    fs.writeFileSync(dockerfile, CONTEXT_DOCKERFILE);
  });
  after(async () => {
    for (const client of clients) await client.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('reports the missing file, creates it with a workspace edit, and re-lints when it changes on disk', async () => {
    const client = await start({ workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, ...CREATE_FILES } });
    const uri = pathToFileURL(dockerfile).href;
    const registration = await client.waitUntil('watcher registration', () => client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles'));
    assert.deepEqual(registration.registerOptions?.watchers?.map((w) => w.globPattern),
      ['**/.dockerfile-seguro.{yaml,yml,json}', '**/.hadolint.{yaml,yml}', '**/.dockerignore', '**/*.dockerignore']);
    const diagnostics = await client.open(dockerfile);
    assert.deepEqual(codes(diagnostics), ['dockerignore']);
    const target = diagnostics.find((d) => d.code === 'dockerignore')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: target.range, context: { diagnostics: [target] } });
    const create = actions.find((a) => a.title === 'Create a .dockerignore');
    assert.ok(create?.edit?.documentChanges, `a create-file action in ${actions.map((a) => a.title)}`);
    const ignoreUri = pathToFileURL(ignoreFile).href;
    const [creation, ...edits] = create.edit.documentChanges as Array<{ kind?: string; uri?: string; textDocument?: { uri: string }; edits?: TextEdit[] }>;
    assert.deepEqual([creation.kind, creation.uri], ['create', ignoreUri]);
    const fileEdit = edits.find((e) => e.textDocument?.uri === ignoreUri)!;
    // Apply it as the client would (the Dockerfile's own edits are empty), then tell the server.
    assert.deepEqual(edits.find((e) => e.textDocument?.uri === uri)?.edits, []);
    fs.writeFileSync(ignoreFile, applyEdits('', fileEdit.edits!));
    let mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ignoreUri, type: 1 }] });
    assert.deepEqual(codes(await client.pushed(uri, mark, 1, (d) => codes(d).length === 0)), []);
    // A .dockerignore that lets secrets in: dockerignore-secrets, as the CLI reports it.
    fs.writeFileSync(ignoreFile, 'node_modules\n');
    mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ignoreUri, type: 2 }] });
    assert.deepEqual(codes(await client.pushed(uri, mark, 1, (d) => codes(d).length > 0)), ['dockerignore-secrets']);
    fs.rmSync(ignoreFile);
  });

  it('does not offer the fix that creates a file to a client that cannot create files', async () => {
    const client = await start({});
    const uri = pathToFileURL(dockerfile).href;
    const diagnostics = await client.open(dockerfile);
    const target = diagnostics.find((d) => d.code === 'dockerignore');
    assert.ok(target, 'the finding is still reported');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: target.range, context: { diagnostics: [target] } });
    assert.ok(!actions.some((a) => a.title === 'Create a .dockerignore'), 'no half-applied fix');
    assert.ok(actions.some((a) => a.title === 'Disable dockerignore for this line'));
  });

  it('lints a document that is not a file (untitled, virtual workspace) without a build context', async () => {
    const client = await start({});
    const uri = 'untitled:Untitled-1';
    const mark = client.mark();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: `${CONTEXT_DOCKERFILE}ADD app.py /app/\n` } });
    const diagnostics = await client.pushed(uri, mark, 1);
    assert.ok(diagnostics.some((d) => d.code === 'prefer-copy'), 'linted');
    assert.deepEqual(codes(diagnostics), [], 'no .dockerignore can be looked for');
  });
});
