// Editor and CLI agree: the language server (dist/server.js over stdio, as an editor runs it) and the CLI
// (dist/cli.js, as CI runs it) report exactly the same findings (rule, severity, message, range) for a
// Dockerfile in a repository with a config file, a .dockerignore and ignore comments of every kind.
// Needs `npm run build` first.
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import { lint } from '../shared/engine';
import type { Finding, Severity } from '../shared/types';
import { ConfigLoader, lintOptionsFrom } from '../server/config';
import { loadEngine, ROOT } from './helpers';
import { CLI, NODE_FLAGS, runCliProcess, type Run } from './cliProcess';

const SERVER = process.env.DOCKERFILE_SEGURO_SERVER ?? path.join(ROOT, 'dist', 'server.js');
const WAIT_MS = 30_000;
const SEVERITY_OF_LSP: Record<number, Severity> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

// A rule turned off, another one raised to error, messages in Spanish.
const CONFIG = [
  'rules:',
  '  healthcheck: off',
  '  prefer-copy: error',
  'locale: es',
  '',
].join('\n');

// Keeps the secrets the dockerignore rules look for out of the build context: with it, the dockerignore rules
// have nothing to say on either side (without it, see the last test).
const DOCKERIGNORE = ['.git', '.env', '.env.*', '**/id_rsa*', '**/id_ed25519*', '**/*.key', '**/*.pem', '**/.npmrc', '.aws', 'node_modules', ''].join('\n');

/** Line numbers (0-based) of the lines the ignore comments silence, for the checks that they do. */
const LINES = { stageIgnored: 3, lineIgnored: 7, hadolintIgnored: 12 };

const DOCKERFILE = [
  'FROM node:22 AS build', //                                                   0
  'WORKDIR /src', //                                                            1
  '# dockerfile-seguro ignore-stage=pin-apt -- build stage, never shipped', //  2
  'RUN apt-get update && apt-get install -y curl', //                           3 pin-apt (silenced for the stage)
  'COPY . .', //                                                                4
  'RUN npm ci && npm run build', //                                             5
  '# dockerfile-seguro ignore=prefer-copy,pin-go -- kept as ADD on purpose', // 6 pin-go silences nothing: unused-ignore
  'ADD tools.sh /src/', //                                                      7 prefer-copy (silenced)
  '',
  'FROM alpine:3.20', //                                                        9 user-root, image-digest, ...
  'RUN apk update', //                                                          10 update-without-install
  '# hadolint ignore=DL3018', //                                                11
  'RUN apk add --no-cache curl', //                                             12 pin-apk (silenced by hadolint's pragma)
  'ADD app.sh /usr/local/bin/', //                                              13 prefer-copy, as an error
  'COPY --from=build /src/dist /app', //                                        14
  'EXPOSE 8080', //                                                             15 (healthcheck is off)
  'CMD ["/usr/local/bin/app.sh"]', //                                           16
  '',
].join('\n');

interface Workspace {
  root: string;
  dockerfile: string;
}

const temps: string[] = [];

function workspace(dockerignore: string | null = DOCKERIGNORE): Workspace {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dockerfile-seguro-parity-')));
  temps.push(root);
  fs.mkdirSync(path.join(root, '.git'));
  fs.mkdirSync(path.join(root, 'app'));
  fs.writeFileSync(path.join(root, '.dockerfile-seguro.yaml'), CONFIG);
  const dockerfile = path.join(root, 'app', 'Dockerfile');
  fs.writeFileSync(dockerfile, DOCKERFILE);
  if (dockerignore !== null) fs.writeFileSync(path.join(root, 'app', '.dockerignore'), dockerignore);
  return { root, dockerfile };
}

/** A finding as both sides can say it: rule, severity, range and message. Sorted lists compare as sets. */
type Key = string;
function key(ruleId: unknown, severity: Severity, range: Finding['range'], message: string): Key {
  const r = { start: { line: range.start.line, character: range.start.character }, end: { line: range.end.line, character: range.end.character } };
  return JSON.stringify([ruleId, severity, r, message]);
}

interface Parsed {
  ruleId: string;
  severity: Severity;
  range: Finding['range'];
  message: string;
}

function parse(keys: Key[]): Parsed[] {
  return keys.map((k) => {
    const [ruleId, severity, range, message] = JSON.parse(k);
    return { ruleId, severity, range, message };
  });
}

/** The same findings on both sides (as multisets); on failure, says which findings only one side reports. */
function assertSameFindings(fromServer: Key[], fromCli: Key[], what: string): void {
  const show = (keys: Key[]) => (keys.length ? parse(keys).map((f) => `${f.ruleId} at ${f.range.start.line + 1}:${f.range.start.character + 1} (${f.severity})`).join(', ') : 'nothing');
  const onlyCli = fromCli.filter((k) => !fromServer.includes(k));
  const onlyServer = fromServer.filter((k) => !fromCli.includes(k));
  const same = fromServer.length === fromCli.length && fromServer.every((k, i) => k === fromCli[i]); // both sorted
  assert.ok(same, `${what}: only the CLI reports ${show(onlyCli)}; only the editor reports ${show(onlyServer)}`);
}

// ---- the CLI ----------------------------------------------------------------------------------------

function runCli(args: string[], cwd: string, input = ''): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'C' };
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'NO_COLOR']) delete env[name];
  return runCliProcess(args, cwd, env, { input, timeout: WAIT_MS });
}

/** What `dockerfile-seguro --format json <args>` reports for `file` (the only file of the run). */
async function cliSays(args: string[], cwd: string, file: string, input?: string): Promise<Key[]> {
  const result = await runCli(['--format', 'json', ...args], cwd, input);
  assert.equal(result.stderr, '', 'the CLI complained');
  assert.equal(result.status, 1, `exit code 1 (findings) expected:\n${result.stdout}`);
  const report = JSON.parse(result.stdout) as Array<{ file: string; findings: Parsed[] }>;
  assert.deepEqual(report.map((entry) => entry.file), [file]);
  return report[0].findings.map((f) => key(f.ruleId, f.severity, f.range, f.message)).sort();
}

// ---- the language server ----------------------------------------------------------------------------

/**
 * What the language server publishes for `dockerfile` when an editor opens it in the workspace folder `root`:
 * a client that answers workspace/configuration with the extension's defaults, as VS Code does without
 * user settings, and gets diagnostics pushed.
 */
async function serverSays(root: string, dockerfile: string): Promise<{ keys: Key[]; published: PublishDiagnosticsParams[]; stderr: string }> {
  assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
  const proc = spawn(process.execPath, [...NODE_FLAGS, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const connection = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const published: PublishDiagnosticsParams[] = [];
  const uri = pathToFileURL(dockerfile).href;
  let resolveDiagnostics: (d: Diagnostic[]) => void = () => undefined;
  const diagnostics = new Promise<Diagnostic[]>((resolve) => { resolveDiagnostics = resolve; });
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    published.push(params);
    if (params.uri === uri && params.version === 1) resolveDiagnostics(params.diagnostics);
  });
  connection.onNotification('window/logMessage', () => undefined);
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
    params.items.map((item) => (item.section === 'dockerfileSeguro' ? { enable: true, rules: {}, trace: { server: 'off' } } : null)));
  connection.listen();
  let timer: NodeJS.Timeout | undefined;
  try {
    const rootUri = pathToFileURL(root).href;
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
      capabilities: { workspace: { configuration: true, workspaceFolders: true } },
    });
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'dockerfile', version: 1, text: fs.readFileSync(dockerfile, 'utf8') },
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} in ${WAIT_MS} ms. Published: ${JSON.stringify(published)}\n${stderr}`)), WAIT_MS);
    });
    const items = await Promise.race([diagnostics, timeout]);
    const keys = items.map((d) => key(d.code, SEVERITY_OF_LSP[d.severity!], d.range, d.message)).sort();
    return { keys, published, stderr };
  } finally {
    clearTimeout(timer);
    await connection.sendRequest('shutdown', null).catch(() => undefined);
    await connection.sendNotification('exit', null).catch(() => undefined);
    await new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const kill = setTimeout(() => { proc.kill(); resolve(); }, WAIT_MS);
      proc.on('exit', () => { clearTimeout(kill); resolve(); });
    });
    connection.dispose();
  }
}

// ---- checks that the setup means something -----------------------------------------------------------

/** The findings say the config applied: healthcheck off, prefer-copy an error, messages in Spanish. */
function assertConfigApplied(findings: Parsed[]): void {
  assert.ok(findings.length >= 5, `several findings expected, got ${findings.length}`);
  assert.ok(!findings.some((f) => f.ruleId === 'healthcheck'), 'healthcheck is off in the config');
  const copies = findings.filter((f) => f.ruleId === 'prefer-copy');
  assert.deepEqual(copies.map((f) => [f.range.start.line, f.severity]), [[13, 'error']], 'prefer-copy: the ADD that is not ignored, as an error');
  assert.match(copies[0].message, /usa COPY/, 'messages in Spanish (config locale)');
  assert.ok(findings.some((f) => f.ruleId === 'user-root' && f.severity === 'warning'), 'rules left alone keep their default level');
  // Without the config, the engine does report healthcheck, and prefer-copy as a warning in English.
  const defaults = lint(DOCKERFILE);
  assert.ok(defaults.some((f) => f.ruleId === 'healthcheck'), 'healthcheck has something to say by default');
  assert.deepEqual(defaults.filter((f) => f.ruleId === 'prefer-copy').map((f) => [f.range.start.line, f.severity]), [[13, 'warning']]);
  assert.doesNotMatch(defaults.find((f) => f.ruleId === 'prefer-copy')!.message, /usa COPY/);
}

/** Each ignore comment silences something, and the unused id is reported. */
function assertIgnoresApplied(findings: Parsed[], dockerfile: string): void {
  const on = (rule: string, line: number) => findings.some((f) => f.ruleId === rule && f.range.start.line === line);
  assert.ok(!on('pin-apt', LINES.stageIgnored), 'ignore-stage=pin-apt');
  assert.ok(!on('prefer-copy', LINES.lineIgnored), 'ignore=prefer-copy');
  assert.ok(!on('pin-apk', LINES.hadolintIgnored), 'hadolint ignore=DL3018');
  const unused = findings.filter((f) => f.ruleId === 'unused-ignore');
  assert.deepEqual(unused.map((f) => f.range.start.line), [6], 'only pin-go, which silences nothing, is an unused ignore');
  assert.match(unused[0].message, /pin-go/);
  // The same file with the comments defused: the engine then reports what they silenced.
  const { config } = new ConfigLoader().resolve(dockerfile);
  const defused = DOCKERFILE.replace(/dockerfile-seguro ignore/g, 'note').replace(/hadolint ignore/g, 'note');
  const without = lint(defused, { ...lintOptionsFrom(config), locale: 'es' });
  const had = (rule: string, line: number) => without.some((f) => f.ruleId === rule && f.range.start.line === line);
  assert.ok(had('pin-apt', LINES.stageIgnored) && had('prefer-copy', LINES.lineIgnored) && had('pin-apk', LINES.hadolintIgnored),
    'without the comments, the silenced findings are there');
}

// ---------------------------------------------------------------------------------------------------

before(async () => {
  assert.ok(fs.existsSync(CLI), `${CLI} does not exist: run "npm run build" before these tests`);
  await loadEngine();
});
after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

describe('parity: editor and CLI', { concurrency: true }, () => {
  it('report identical findings for a file with a config and ignore comments', async () => {
    const ws = workspace();
    // From the repository root, as CI runs it; the server is given the workspace folder.
    const [fromCli, fromServer] = await Promise.all([
      cliSays([path.join('app', 'Dockerfile')], ws.root, path.join('app', 'Dockerfile')),
      serverSays(ws.root, ws.dockerfile),
    ]);
    assertSameFindings(fromServer.keys, fromCli, 'editor and CLI');
    assert.equal(new Set(fromCli).size, fromCli.length, 'no finding reported twice');
    assertConfigApplied(parse(fromCli));
    assertIgnoresApplied(parse(fromCli), ws.dockerfile);
    const configUri = pathToFileURL(path.join(ws.root, '.dockerfile-seguro.yaml')).href;
    assert.ok(!fromServer.published.some((p) => p.uri === configUri && p.diagnostics.length > 0), 'the config file is valid');
  });

  it('report identical findings when the CLI reads the file from standard input (--stdin --stdin-filename)', async () => {
    const ws = workspace();
    const name = path.join('app', 'Dockerfile');
    const [fromStdin, fromFile, fromServer] = await Promise.all([
      cliSays(['--stdin', '--stdin-filename', name], ws.root, name, DOCKERFILE),
      cliSays([name], ws.root, name),
      serverSays(ws.root, ws.dockerfile),
    ]);
    assertSameFindings(fromServer.keys, fromStdin, 'editor and CLI --stdin');
    assertSameFindings(fromFile, fromStdin, 'CLI on the file and CLI --stdin');
    assertConfigApplied(parse(fromStdin));
  });

  it('report identical findings when the .dockerignore lets secrets in, or is missing', async () => {
    for (const [dockerignore, rule] of [['node_modules\n', 'dockerignore-secrets'], [null, 'dockerignore']] as const) {
      const ws = workspace(dockerignore);
      const name = path.join('app', 'Dockerfile');
      const [fromCli, fromServer] = await Promise.all([cliSays([name], ws.root, name), serverSays(ws.root, ws.dockerfile)]);
      assert.ok(parse(fromCli).some((f) => f.ruleId === rule && f.range.start.line === 4), `the CLI reports ${rule} on COPY . .`);
      assertSameFindings(fromServer.keys, fromCli, `with ${dockerignore === null ? 'no .dockerignore' : 'an incomplete .dockerignore'}`);
    }
  });
});
