// Protocol abuse of the bundled language server (dist/server.js --stdio), with a raw client that writes
// bytes and frames itself: broken frames, malformed JSON, wrong Content-Length, unknown methods, requests
// for unopened documents, out-of-order versions, a burst of 1,000 changes, a 5 MB document and 10,000
// open/close cycles. After each abuse a hover must still be answered, errors must be proper JSON-RPC
// errors, and the process must never exit. Also: pull diagnostics are cancellable (by the client, and by
// the server when the document changes), and no diagnostics of an older version follow a newer one.
// Nothing sleeps: every wait is on a message from the server, with a deadline that fails the test.
import { strict as assert } from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import { after, before, describe, it } from 'node:test';
import { RELEASED } from '../server/server';
import { CORPUS, ROOT } from './helpers';

const SERVER = process.env.DOCKERFILE_SEGURO_SERVER ?? path.join(ROOT, 'dist', 'server.js');
const WAIT_MS = 60_000;
/** Open/close cycles of the memory test (ABUSE_CYCLES to run longer). */
const CYCLES = Number(process.env.ABUSE_CYCLES ?? 10_000);

/** JSON-RPC error codes. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;
const REQUEST_CANCELLED = -32800;
const SERVER_CANCELLED = -32802;

interface RpcMessage {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  params?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  result?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  error?: { code: number; message: string; data?: unknown };
}

const isResponse = (m: RpcMessage) => m.method === undefined && ('result' in m || 'error' in m);

const PROBE = 'file:///abuse/probe/Dockerfile';
const PROBE_TEXT = 'FROM alpine:3.20\nADD app.py /app/\n';

/** A language server process and a client that writes raw bytes and reads framed messages. */
class RawClient {
  readonly messages: RpcMessage[] = [];
  stderr = '';
  exitCode: number | null | undefined = undefined;
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes needed before the message being received is complete (-1: unknown). */
  private needed = -1;
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly proc: ChildProcess) {
    proc.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => { this.stderr += chunk; });
    proc.on('exit', (code) => {
      this.exitCode = code;
      this.wake();
    });
  }

  static async start(capabilities: Record<string, unknown> = {}): Promise<RawClient> {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
    const client = new RawClient(spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] }));
    const init = await client.request('initialize', { processId: process.pid, rootUri: null, capabilities });
    assert.ok(init.result?.capabilities, 'initialize answered');
    await client.notify('initialized', {});
    await client.notify('textDocument/didOpen', { textDocument: { uri: PROBE, languageId: 'dockerfile', version: 1, text: PROBE_TEXT } });
    return client;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  private wake(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // A big message comes in many chunks: join them once it is complete, not on every chunk.
    if (this.needed > 0 && this.size < this.needed) return;
    let buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.needed = -1;
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) break;
      const header = buffer.toString('latin1', 0, end);
      const length = Number(/content-length:\s*(\d+)/i.exec(header)?.[1]);
      assert.ok(Number.isInteger(length), `the server wrote a header without Content-Length: ${header}`);
      if (buffer.length < end + 4 + length) {
        this.needed = end + 4 + length;
        break;
      }
      const body = buffer.toString('utf8', end + 4, end + 4 + length);
      buffer = buffer.subarray(end + 4 + length);
      this.messages.push(JSON.parse(body) as RpcMessage);
    }
    this.chunks = buffer.length ? [buffer] : [];
    this.size = buffer.length;
    this.wake();
  }

  /** Resolves with the first message from index `from` on that matches. */
  waitFor(what: string, match: (m: RpcMessage) => boolean, from = 0, timeout = WAIT_MS): Promise<RpcMessage> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = () => {
        const found = this.messages.slice(from).find(match);
        if (found) {
          cleanup();
          resolve(found);
        } else if (!this.alive) {
          cleanup();
          reject(new Error(`the server exited (code ${this.exitCode}) while waiting for ${what}. stderr:\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeout);
      this.listeners.add(check);
      check();
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.proc.stdin!.write(data, (error) => (error ? reject(error) : resolve())));
  }

  static frame(body: string | Buffer, length = Buffer.byteLength(body)): Buffer {
    return Buffer.concat([Buffer.from(`Content-Length: ${length}\r\n\r\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
  }

  static message(message: RpcMessage): Buffer {
    return RawClient.frame(JSON.stringify({ jsonrpc: '2.0', ...message }));
  }

  id(): number {
    return this.nextId++;
  }

  response(id: number | string | null, from = 0, timeout = WAIT_MS): Promise<RpcMessage> {
    return this.waitFor(`the response to ${id}`, (m) => isResponse(m) && m.id === id, from, timeout);
  }

  async request(method: string, params: unknown, timeout = WAIT_MS): Promise<RpcMessage> {
    const id = this.id();
    const from = this.messages.length;
    await this.write(RawClient.message({ id, method, params }));
    return this.response(id, from, timeout);
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.write(RawClient.message({ method, params }));
  }

  published(uri: string, from = 0): Array<{ version?: number; diagnostics: Array<{ code?: string; data?: { version: number } }> }> {
    return this.messages.slice(from).filter((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri).map((m) => m.params);
  }

  waitForPublished(uri: string, version: number | undefined, from = 0, timeout = WAIT_MS): Promise<RpcMessage> {
    return this.waitFor(`diagnostics of ${uri} v${version}`, (m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && m.params.version === version, from, timeout);
  }

  /** The server still answers: a hover over the probe's ADD gets prefer-copy's explanation. */
  async assertAnswers(): Promise<void> {
    const hover = await this.request('textDocument/hover', { textDocument: { uri: PROBE }, position: { line: 1, character: 1 } });
    assert.equal(hover.error, undefined, `hover failed: ${JSON.stringify(hover.error)}`);
    assert.match(String(hover.result?.contents?.value), /COPY/, 'the hover explains the finding');
    assert.ok(this.alive, 'the server is running');
  }

  /** Resident set size of the server, from /proc (Linux), in KB. */
  rssKb(): number | null {
    try {
      const status = fs.readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
      return Number(/^VmRSS:\s*(\d+)\s*kB/m.exec(status)?.[1] ?? NaN);
    } catch {
      return null;
    }
  }

  async stop(): Promise<number | null> {
    if (this.alive) {
      await this.request('shutdown', null).catch(() => undefined);
      await this.notify('exit', null).catch(() => undefined);
    }
    const code = await new Promise<number | null | 'timeout'>((resolve) => {
      if (!this.alive) return resolve(this.exitCode ?? null);
      const timer = setTimeout(() => resolve('timeout'), WAIT_MS);
      this.proc.once('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    if (code === 'timeout') {
      this.proc.kill();
      throw new Error('the server did not exit after shutdown + exit');
    }
    return code;
  }
}

/** Responses (not notifications) received from index `from` on, except the ones in `expected`. */
function unexpectedResponses(client: RawClient, from: number, expected: Array<number | string | null>): RpcMessage[] {
  return client.messages.slice(from).filter((m) => isResponse(m) && !expected.includes(m.id ?? null));
}

function assertMonotonic(client: RawClient, uri: string): void {
  const versions = client.published(uri).map((p) => p.version).filter((v): v is number => v !== undefined);
  for (let i = 1; i < versions.length; i++) {
    assert.ok(versions[i] >= versions[i - 1], `diagnostics of version ${versions[i]} were published after version ${versions[i - 1]}: ${versions.join(',')}`);
  }
}

describe('protocol abuse (push mode)', () => {
  let client: RawClient;
  before(async () => {
    client = await RawClient.start();
    await client.assertAnswers();
  });
  after(async () => {
    assert.ok(client.alive, `the server exited during the abuse. stderr:\n${client.stderr}`);
    assert.equal(await client.stop(), 0, 'clean exit after shutdown + exit');
  });

  it('malformed JSON with a correct Content-Length: Parse error (-32700, id null), then it keeps answering', async () => {
    for (const body of ['{"jsonrpc":"2.0","id":7,"method":', '{]', 'null,', '\u0000\u0001\u0002', Buffer.from([0xff, 0xfe, 0x00, 0x7b])]) {
      const from = client.messages.length;
      await client.write(RawClient.frame(body));
      const error = await client.response(null, from);
      assert.equal(error.error?.code, PARSE_ERROR, JSON.stringify(error));
      await client.assertAnswers();
    }
  });

  it('valid JSON that is not a message: Invalid Request (-32600), with the id when there is one', async () => {
    const cases: Array<[string, number | null]> = [
      ['[1,2,3]', null],
      ['42', null],
      ['"hello"', null],
      ['{"jsonrpc":"2.0","id":8,"method":42}', 8],
      ['{"jsonrpc":"2.0","id":{"x":1},"method":"textDocument/hover"}', null],
      ['{"jsonrpc":"2.0","id":9,"method":"textDocument/hover","params":"text"}', 9],
      ['{"jsonrpc":"2.0","id":10}', 10],
    ];
    for (const [body, id] of cases) {
      const from = client.messages.length;
      await client.write(RawClient.frame(body));
      const error = await client.response(id, from);
      assert.equal(error.error?.code, INVALID_REQUEST, `${body}: ${JSON.stringify(error)}`);
      await client.assertAnswers();
    }
  });

  it('a Content-Length too short for its body: Parse error, then the stream resynchronises', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: client.id(), method: 'textDocument/hover', params: { textDocument: { uri: PROBE }, position: { line: 1, character: 1 } } });
    const from = client.messages.length;
    await client.write(RawClient.frame(body, Buffer.byteLength(body) - 20));
    assert.equal((await client.response(null, from)).error?.code, PARSE_ERROR);
    await client.assertAnswers();
  });

  it('a Content-Length too long for its body: the next message is found inside it, and answered', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didSave', params: { textDocument: { uri: PROBE } } });
    const from = client.messages.length;
    await client.write(RawClient.frame(body, Buffer.byteLength(body) + 40));
    // Without resynchronisation this hover would be swallowed by the body above and never answered.
    await client.assertAnswers();
    assert.equal((await client.response(null, from)).error?.code, PARSE_ERROR);
  });

  it('headers without a usable Content-Length: Parse error, then it keeps answering', async () => {
    for (const header of ['Content-Type: application/json\r\n\r\n', 'Content-Length: many\r\n\r\n{}', 'garbage\r\n\r\n']) {
      const from = client.messages.length;
      await client.write(Buffer.from(header, 'latin1'));
      assert.equal((await client.response(null, from)).error?.code, PARSE_ERROR, header);
      await client.assertAnswers();
    }
  });

  it('unknown methods: MethodNotFound (-32601) for requests, nothing for notifications', async () => {
    for (const method of ['dockerfileSeguro/doesNotExist', 'textDocument/documentSymbol', '$/unknown']) {
      const response = await client.request(method, {});
      assert.equal(response.error?.code, METHOD_NOT_FOUND, `${method}: ${JSON.stringify(response)}`);
    }
    const from = client.messages.length;
    await client.notify('dockerfileSeguro/doesNotExist', { x: 1 });
    await client.notify('$/unknownNotification', {});
    const hoverId = client.id();
    await client.write(RawClient.message({ id: hoverId, method: 'textDocument/hover', params: { textDocument: { uri: PROBE }, position: { line: 1, character: 1 } } }));
    await client.response(hoverId, from);
    assert.deepEqual(unexpectedResponses(client, from, [hoverId]), [], 'a notification got an answer');
  });

  it('requests for unopened documents get empty answers, malformed params InvalidParams (-32602)', async () => {
    const uri = 'file:///abuse/never-opened/Dockerfile';
    assert.equal((await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } })).result, null);
    assert.deepEqual((await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } })).result, []);
    assert.deepEqual((await client.request('textDocument/diagnostic', { textDocument: { uri } })).result, { kind: 'full', items: [] });
    for (const [method, params] of [
      ['textDocument/hover', {}],
      ['textDocument/hover', { textDocument: { uri: PROBE }, position: 'top' }],
      ['textDocument/codeAction', { textDocument: { uri: PROBE } }],
      ['textDocument/diagnostic', { textDocument: 5 }],
    ] as const) {
      const response = await client.request(method, params);
      assert.equal(response.error?.code, INVALID_PARAMS, `${method} ${JSON.stringify(params)}: ${JSON.stringify(response)}`);
    }
    // Malformed notifications are dropped (and logged), never fatal.
    await client.notify('textDocument/didOpen', { textDocument: { uri } });
    await client.notify('textDocument/didChange', { textDocument: { uri: PROBE }, contentChanges: 'everything' });
    await client.notify('textDocument/didClose', null);
    await client.notify('$/cancelRequest', { id: { nested: true } });
    await client.assertAnswers();
  });

  it('out-of-order versions: an older didChange after a newer one is ignored, its diagnostics never published', async () => {
    const uri = 'file:///abuse/versions/Dockerfile';
    const newer = 'FROM alpine:3.20\nADD a.py /a/\nADD b.py /b/\n';
    const older = 'FROM alpine:3.20\nCOPY a.py /a/\n';
    let from = client.messages.length;
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: 'FROM alpine:3.20\n' } });
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ text: newer }] });
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: older }] });
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ text: older }] });
    const v5 = await client.waitForPublished(uri, 5, from);
    assert.equal(v5.params.diagnostics.filter((d: { code?: string }) => d.code === 'prefer-copy').length, 2, 'version 5 is the newer text');
    await client.assertAnswers();
    // The document is still the newer text: an incremental edit against it lands where expected.
    from = client.messages.length;
    await client.notify('textDocument/didChange', {
      textDocument: { uri, version: 6 },
      contentChanges: [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 3 } }, text: 'COPY' }],
    });
    const v6 = await client.waitForPublished(uri, 6, from);
    assert.equal(v6.params.diagnostics.filter((d: { code?: string }) => d.code === 'prefer-copy').length, 1);
    await client.assertAnswers();
    assert.deepEqual(client.published(uri).map((p) => p.version).filter((v) => v === 3), [], 'version 3 was never published');
    assertMonotonic(client, uri);
  });

  it('1,000 rapid didChange notifications: the last version is published, nothing older after it', async () => {
    const uri = 'file:///abuse/burst/Dockerfile';
    const from = client.messages.length;
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: 'FROM alpine:3.20\n' } });
    const burst: Buffer[] = [];
    for (let version = 2; version <= 1001; version++) {
      const adds = version % 7;
      burst.push(RawClient.message({
        method: 'textDocument/didChange',
        params: { textDocument: { uri, version }, contentChanges: [{ text: `FROM alpine:3.20\n${'ADD f /f\n'.repeat(adds)}# ${version}\n` }] },
      }));
    }
    await client.write(Buffer.concat(burst)); // one write: the server sees them as fast as it can read
    const last = await client.waitForPublished(uri, 1001, from);
    assert.equal(last.params.diagnostics.filter((d: { code?: string }) => d.code === 'prefer-copy').length, 1001 % 7);
    await client.assertAnswers();
    const versions = client.published(uri, from).map((p) => p.version);
    assert.equal(versions.at(-1), 1001, 'nothing was published after the last version');
    assertMonotonic(client, uri);
    // Coalescing: rapid changes are linted together, as their latest version.
    assert.ok(versions.length < 500, `${versions.length} lints published for 1,000 changes`);
  });

  it('a 5 MB document is linted, and the server keeps answering', async () => {
    const uri = 'file:///abuse/huge/Dockerfile';
    const block = [
      'FROM alpine:3.20 AS build',
      'ARG VERSION=1.2.3',
      'RUN apk add --no-cache curl git \\',
      '    && curl -fsSL https://example.com/tool-${VERSION}.tar.gz | tar -xz -C /usr/local/bin',
      'COPY . /src',
      'ADD app.py /app/',
      'USER root',
      '',
    ].join('\n');
    const text = block.repeat(Math.ceil((5 * 1024 * 1024) / block.length));
    const from = client.messages.length;
    const started = Date.now();
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
    const published = await client.waitForPublished(uri, 1, from, 5 * WAIT_MS);
    assert.ok(published.params.diagnostics.length > 1000, 'findings all over the document');
    await client.assertAnswers();
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 1 } });
    assert.match(String(hover.result?.contents?.value), /COPY/);
    await client.notify('textDocument/didClose', { textDocument: { uri } });
    await client.waitForPublished(uri, undefined, from);
    await client.assertAnswers();
    console.log(`# 5 MB document: diagnostics after ${Date.now() - started} ms`);
  });

});

describe('protocol abuse: open/close cycles (a fresh server, nothing big in memory before)', () => {
  let client: RawClient;
  before(async () => { client = await RawClient.start(); });
  after(async () => {
    assert.ok(client.alive, `the server exited. stderr:\n${client.stderr}`);
    assert.equal(await client.stop(), 0);
  });

  it('10,000 open/close cycles: RSS stays flat (within 30 MB after a 1,000-cycle warm-up)', async () => {
    const text = 'FROM alpine:3.20\nRUN apk add --no-cache curl\nADD app.py /app/\n';
    const cycle = (i: number): Buffer[] => {
      const uri = `file:///abuse/cycles/${i}/Dockerfile`;
      return [
        RawClient.message({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'dockerfile', version: 1, text } } }),
        // A hover makes every cycle lint its document (in push mode the close may beat the scheduled lint).
        RawClient.message({ id: `cycle-${i}`, method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 2, character: 1 } } }),
        RawClient.message({ method: 'textDocument/didClose', params: { textDocument: { uri } } }),
      ];
    };
    const run = async (first: number, count: number) => {
      for (let start = first; start < first + count; start += 250) {
        const from = client.messages.length;
        const end = Math.min(first + count, start + 250);
        const batch: Buffer[] = [];
        for (let i = start; i < end; i++) batch.push(...cycle(i));
        await client.write(Buffer.concat(batch));
        const answer = await client.response(`cycle-${end - 1}`, from);
        assert.match(String(answer.result?.contents?.value), /COPY/);
        // Drop what was received so far: the client must not be the one growing.
        client.messages.length = 0;
      }
    };
    // RSS is read once the server has settled after the closes (caches dropped, garbage collected), so that
    // it is what stays, not what a busy machine's GC has not collected yet.
    const settled = async (from: number) => {
      await client.waitFor('the release after the closes', (m) => m.method === 'window/logMessage' && String(m.params?.message).startsWith(RELEASED), from);
      return client.rssKb();
    };
    // (run() empties client.messages after each batch: the release that follows the last close comes after that)
    await run(0, 1_000);
    const warm = await settled(0);
    await run(1_000, CYCLES - 1_000);
    const end = await settled(0);
    await client.assertAnswers();
    if (warm === null || end === null || Number.isNaN(warm) || Number.isNaN(end)) {
      console.log('# /proc is not available: RSS not measured');
      return;
    }
    console.log(`# RSS after 1,000 cycles ${(warm / 1024).toFixed(1)} MB, after ${CYCLES} ${(end / 1024).toFixed(1)} MB`);
    assert.ok(end - warm < 30 * 1024, `RSS grew by ${((end - warm) / 1024).toFixed(1)} MB over ${CYCLES - 1_000} open/close cycles`);
  });
});

describe('protocol abuse: 200 documents at once, then all closed (a fresh server)', () => {
  let client: RawClient;
  before(async () => { client = await RawClient.start(); });
  after(async () => {
    assert.ok(client.alive, `the server exited. stderr:\n${client.stderr}`);
    assert.equal(await client.stop(), 0);
  });

  // The release must give back the young generation V8 grew under the burst (a plain gc() keeps it: ~26 MB),
  // which takes v8.queryObjects' memory-reducing collection (Node 20.13 and later).
  const skip = !fs.existsSync(CORPUS) ? 'corpus not present' : typeof (v8 as { queryObjects?: unknown }).queryObjects !== 'function' ? 'no v8.queryObjects in this Node' : false;
  it('after the release, V8 keeps little unused heap and RSS is back near its idle figure', { skip }, async () => {
    const files = fs.readdirSync(CORPUS).sort();
    const docs = Array.from({ length: Math.min(200, files.length) }, (_, i) => files[Math.floor((i * files.length) / Math.min(200, files.length))]);
    await client.waitForPublished(PROBE, 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = client.rssKb();
    const uris = docs.map((name, i) => `file:///abuse/burst/${i}-${name}/Dockerfile`);
    const from = client.messages.length;
    await client.write(Buffer.concat(docs.map((name, i) => RawClient.message({
      method: 'textDocument/didOpen',
      params: { textDocument: { uri: uris[i], languageId: 'dockerfile', version: 1, text: fs.readFileSync(path.join(CORPUS, name), 'utf8') } },
    }))));
    for (const uri of uris) await client.waitForPublished(uri, 1, from);
    const closing = client.messages.length;
    await client.write(Buffer.concat(uris.map((uri) => RawClient.message({ method: 'textDocument/didClose', params: { textDocument: { uri } } }))));
    const released = await client.waitFor('the release after the closes', (m) => m.method === 'window/logMessage' && String(m.params?.message).startsWith(RELEASED), closing);
    const closed = client.rssKb();
    await client.assertAnswers();
    const message = String(released.params.message);
    const heap = /V8 heap ([\d.]+) MB used of ([\d.]+) MB/.exec(message);
    assert.ok(heap, `the release reports the heap: ${message}`);
    const [used, committed] = [Number(heap[1]), Number(heap[2])];
    console.log(`# ${message}`);
    assert.ok(committed - used < 8, `V8 keeps ${(committed - used).toFixed(1)} MB of heap it does not use after the release: ${message}`);
    if (idle === null || closed === null || Number.isNaN(idle) || Number.isNaN(closed)) return;
    console.log(`# RSS idle ${(idle / 1024).toFixed(1)} MB, after the ${docs.length} documents closed ${(closed / 1024).toFixed(1)} MB`);
    // (A budget for the malloc'd memory of V8's compiler threads, which Node cannot give back: ~10 MB.)
    assert.ok(closed - idle < 25 * 1024, `RSS is ${((closed - idle) / 1024).toFixed(1)} MB above idle after the ${docs.length} documents closed`);
  });
});

describe('pull diagnostics are cancellable', () => {
  let client: RawClient;
  before(async () => {
    client = await RawClient.start({ textDocument: { diagnostic: { dynamicRegistration: false } } });
  });
  after(async () => {
    assert.ok(client.alive, `the server exited. stderr:\n${client.stderr}`);
    assert.equal(await client.stop(), 0);
  });

  it('a change that arrives with a pull cancels it: ServerCancelled (-32802) with retriggerRequest, then the new version', async () => {
    const uri = 'file:///abuse/pull/Dockerfile';
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: 'FROM alpine:3.20\nADD a /a\n' } });
    const id = client.id();
    const from = client.messages.length;
    await client.write(Buffer.concat([
      RawClient.message({ id, method: 'textDocument/diagnostic', params: { textDocument: { uri } } }),
      RawClient.message({ method: 'textDocument/didChange', params: { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'FROM alpine:3.20\nADD a /a\nADD b /b\n' }] } }),
    ]));
    const cancelled = await client.response(id, from);
    assert.equal(cancelled.error?.code, SERVER_CANCELLED, JSON.stringify(cancelled));
    assert.deepEqual(cancelled.error?.data, { retriggerRequest: true });
    const fresh = await client.request('textDocument/diagnostic', { textDocument: { uri } });
    const items = fresh.result.items as Array<{ code?: string; data?: { version: number } }>;
    assert.equal(items.filter((d) => d.code === 'prefer-copy').length, 2);
    assert.ok(items.every((d) => d.data?.version === 2), 'the report is of version 2');
    assert.deepEqual(client.published(uri), [], 'pull mode pushes nothing');
  });

  it('$/cancelRequest from the client: RequestCancelled (-32800)', async () => {
    const uri = 'file:///abuse/pull-cancel/Dockerfile';
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: 'FROM alpine:3.20\nADD a /a\n' } });
    const id = client.id();
    const from = client.messages.length;
    await client.write(Buffer.concat([
      RawClient.message({ id, method: 'textDocument/diagnostic', params: { textDocument: { uri } } }),
      RawClient.message({ method: '$/cancelRequest', params: { id } }),
    ]));
    const response = await client.response(id, from);
    assert.equal(response.error?.code, REQUEST_CANCELLED, JSON.stringify(response));
    await client.assertAnswers();
  });

  it('a closed document: ServerCancelled without retrigger', async () => {
    const uri = 'file:///abuse/pull-closed/Dockerfile';
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: 'FROM alpine:3.20\n' } });
    const id = client.id();
    const from = client.messages.length;
    await client.write(Buffer.concat([
      RawClient.message({ id, method: 'textDocument/diagnostic', params: { textDocument: { uri } } }),
      RawClient.message({ method: 'textDocument/didClose', params: { textDocument: { uri } } }),
    ]));
    const response = await client.response(id, from);
    assert.equal(response.error?.code, SERVER_CANCELLED, JSON.stringify(response));
    assert.deepEqual(response.error?.data, { retriggerRequest: false });
  });

  it('pulls of a document under a burst of changes: every report is of the version current when answered', async () => {
    const uri = 'file:///abuse/pull-burst/Dockerfile';
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: 'FROM alpine:3.20\n' } });
    const from = client.messages.length;
    const ids: number[] = [];
    const burst: Buffer[] = [];
    for (let version = 2; version <= 200; version++) {
      burst.push(RawClient.message({ method: 'textDocument/didChange', params: { textDocument: { uri, version }, contentChanges: [{ text: `FROM alpine:3.20\n${'ADD f /f\n'.repeat(version % 5)}` }] } }));
      if (version % 10 === 0) {
        const id = client.id();
        ids.push(id);
        burst.push(RawClient.message({ id, method: 'textDocument/diagnostic', params: { textDocument: { uri } } }));
      }
    }
    await client.write(Buffer.concat(burst));
    const responses = await Promise.all(ids.map((id) => client.response(id, from)));
    const answered = responses.filter((r) => !r.error);
    for (const r of responses) {
      if (r.error) assert.equal(r.error.code, SERVER_CANCELLED, JSON.stringify(r.error));
    }
    // A pull answered right after the change before the next one arrived reports that change's version.
    const versions = answered.map((r) => (r.result.items as Array<{ data?: { version: number } }>)[0]?.data?.version ?? null);
    assert.deepEqual(versions.filter((v) => v !== null), [...versions.filter((v) => v !== null)].sort((a, b) => a! - b!), 'reports never go back in versions');
    const last = await client.request('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal((last.result.items as Array<{ code?: string }>).filter((d) => d.code === 'prefer-copy').length, 200 % 5);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Safe by construction: the language server and the CLI never start programs and never reach the network
// (they read the Dockerfile, config and ignore files, and the two WASM files of the shell parser; that last
// part is not checked here). Checked on what ships, the esbuild bundles, where every module starts with a
// `// <path>` comment (dev build, as `npm run build` makes it): each use of a process or network API must sit
// in a module listed below, with the reason it cannot run.

/** Module path -> why its use of the API is acceptable. */
const ALLOWED: Record<string, Record<string, string>> = {
  child_process: {
    'node_modules/vscode-languageserver/lib/node/files.js':
      'Files.resolve / resolveGlobalNodePath / resolveGlobalYarnPath: helpers the library exports for servers that load npm modules. Nothing of ours uses `Files` (checked below), so they are never called.',
  },
  net: {
    'node_modules/vscode-jsonrpc/lib/node/main.js':
      'the --socket and --pipe LSP transports: a connection to 127.0.0.1 or to the named pipe the editor gives on the command line (checked below); --stdio and --node-ipc never touch it.',
  },
  fetch: {
    'node_modules/web-tree-sitter/tree-sitter.js':
      'browser branches of the WASM loader (Language.load of a URL, streaming instantiation when not in Node): the engine hands the WASM files as bytes (server/loadEngine.ts), which never reaches them.',
  },
  XMLHttpRequest: {
    'node_modules/web-tree-sitter/tree-sitter.js': 'the same browser-only loader branch as fetch.',
  },
};

const APIS: Record<string, RegExp> = {
  child_process: /require\("(?:node:)?child_process"\)|import\("(?:node:)?child_process"\)/g,
  net: /require\("(?:node:)?net"\)|import\("(?:node:)?net"\)/g,
  http: /require\("(?:node:)?https?2?"\)|import\("(?:node:)?https?2?"\)/g,
  tls: /require\("(?:node:)?(?:tls|dgram)"\)|import\("(?:node:)?(?:tls|dgram)"\)/g,
  fetch: /\bfetch\(/g,
  XMLHttpRequest: /\bXMLHttpRequest\b/g,
  // `new Worker(` or cluster could run code from elsewhere too.
  workers: /require\("(?:node:)?(?:worker_threads|cluster)"\)/g,
};

function modulesOf(bundle: string): Array<{ start: number; name: string }> {
  // esbuild marks an ES module with a `// path` comment and wraps a CommonJS one in `"path"(exports, module) {`;
  // a path outside the project (a linked node_modules, as in a git worktree) starts with `../<folder>/`.
  const marker = /^\s*(?:\/\/ |")(?:\.\.\/[^/\s"]+\/)*((?:node_modules|shared|server|cli|client)\/[^\s"]+\.(?:[cm]?js|ts|json))(?:$|"\()/gm;
  return [...bundle.matchAll(marker)].map((m) => ({ start: m.index!, name: m[1] }));
}

function moduleAt(modules: Array<{ start: number; name: string }>, index: number): string {
  let name = '(bundle prologue)';
  for (const m of modules) {
    if (m.start > index) break;
    name = m.name;
  }
  return name;
}

describe('safe by construction: no process or network API reachable in the bundles', () => {
  for (const bundle of ['server.js', 'cli.js']) {
    it(`dist/${bundle}: every use of child_process, net, http(s), tls, fetch sits in an allowed library module`, () => {
      const file = path.join(ROOT, 'dist', bundle);
      assert.ok(fs.existsSync(file), `${file} is missing: run npm run build first`);
      const text = fs.readFileSync(file, 'utf8');
      const modules = modulesOf(text);
      assert.ok(modules.length > 50, 'the bundle has no module comments: build it without --production');
      const found: string[] = [];
      for (const [api, pattern] of Object.entries(APIS)) {
        for (const m of text.matchAll(pattern)) {
          const where = moduleAt(modules, m.index!);
          if (!ALLOWED[api]?.[where]) found.push(`${api} in ${where}: ${text.slice(m.index!, m.index! + 60)}`);
        }
      }
      assert.deepEqual(found, [], 'process or network APIs outside the allowed modules');
      if (bundle === 'cli.js') {
        assert.doesNotMatch(text, APIS.child_process, 'the CLI bundle has no child_process at all');
        assert.doesNotMatch(text, APIS.net, 'the CLI bundle has no net at all');
      }
    });
  }

  it('the allowed library paths cannot run: our code never uses Files, net only connects to loopback or a pipe', () => {
    for (const dir of ['server', 'shared', 'cli']) {
      const files = fs.readdirSync(path.join(ROOT, dir), { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
      for (const f of files) {
        const source = fs.readFileSync(path.join(ROOT, dir, f), 'utf8');
        assert.doesNotMatch(source, /\bFiles\s*\.|import\s*\{[^}]*\bFiles\b[^}]*\}\s*from\s*'vscode-languageserver/, `${dir}/${f} uses the library's Files helpers`);
        assert.doesNotMatch(source, /from '(?:node:)?(?:child_process|net|http|https|http2|tls|dgram|cluster)'|require\('(?:child_process|net|https?)'\)|\bfetch\(/, `${dir}/${f} imports a process or network API`);
      }
    }
    const server = fs.readFileSync(path.join(ROOT, 'dist', 'server.js'), 'utf8');
    const modules = modulesOf(server);
    // The spawning helpers of files.js are referenced outside their module only where the library re-exports them.
    for (const m of server.matchAll(/\b(resolveGlobalNodePath|resolveGlobalYarnPath|resolveModulePath)\b/g)) {
      const where = moduleAt(modules, m.index!);
      assert.ok(['node_modules/vscode-languageserver/lib/node/files.js', 'node_modules/vscode-languageserver/lib/node/main.js'].includes(where), `${m[1]} used in ${where}`);
    }
    // Socket connections of the transports: loopback only.
    const connects = [...server.matchAll(/\bnet_1\.createConnection\)\(([^)]*)\)/g)];
    assert.ok(connects.length > 0, 'the transports\' connections were not found: update this check');
    for (const m of connects) assert.match(m[1], /^(pipeName|port, "127\.0\.0\.1")$/, `net connection to ${m[1]}`);
    // The engine receives the WASM files as bytes, so web-tree-sitter's fetch branches stay dead.
    const loader = fs.readFileSync(path.join(ROOT, 'server', 'loadEngine.ts'), 'utf8');
    assert.match(loader, /runtime: fs\.readFileSync\(/);
    assert.match(loader, /bash: fs\.readFileSync\(/);
  });
});
