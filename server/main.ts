// Entry point of dist/server.js: `node dist/server.js --stdio` (or --node-ipc, --socket=N).
import { format } from 'util';
import * as v8 from 'v8';
import { runInNewContext } from 'vm';
import {
  AbstractMessageReader,
  Disposable,
  IPCMessageReader,
  IPCMessageWriter,
  ProposedFeatures,
  StreamMessageWriter,
  createConnection,
  type Connection,
  type DataCallback,
  type Message,
  type MessageReader,
} from 'vscode-languageserver/node';
import { loadEngine } from './loadEngine';
import { startServer } from './server';

if (process.argv.includes('--version')) {
  process.stdout.write('dockerfile-seguro-language-server 0.1.0\n');
  process.exit(0);
}
if (!process.argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
  process.stderr.write('Usage: dockerfile-seguro-language-server --stdio | --node-ipc | --socket=PORT\n');
  process.exit(2);
}

type Reply = (error: { code: number; message: string }, id: string | number | null) => void;

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
/** The Content-Length of a header block (the last one: bytes of a broken message may precede it). */
const LENGTH = /content-length[ \t]*:[ \t]*(\d+)[ \t]*(?:\r\n|$)/gi;
/**
 * A header inside a message body. JSON allows neither a raw CR/LF inside a string nor a bare word outside
 * one, so a body containing this is never valid: its Content-Length was too large and it swallowed the next
 * message, which starts here.
 */
const EMBEDDED_HEADER = /content-length[ \t]*:[ \t]*\d+[ \t]*\r\n/i;
/** The start of a header cut by the end of a body whose Content-Length was too large. */
const SPLIT_HEADER = /content-length[ \t]*:/i;
/** A header block cannot be this long: the bytes are garbage, drop them. */
const MAX_HEADER = 64 * 1024;

/** Why `message` is not a JSON-RPC 2.0 request, notification or response (null when it is one). */
function invalidReason(message: unknown): string | null {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return Array.isArray(message) ? 'batches are not supported' : 'a message must be an object';
  }
  const m = message as Record<string, unknown>;
  const idOk = m.id === undefined || typeof m.id === 'string' || (typeof m.id === 'number' && Number.isFinite(m.id));
  if ('method' in m) {
    if (typeof m.method !== 'string') return '"method" must be a string';
    if (!idOk) return '"id" must be a string or a number';
    // (null is tolerated: clients send `"params": null` for shutdown and exit)
    if (m.params !== undefined && m.params !== null && typeof m.params !== 'object') return '"params" must be an object or an array';
    if (m.method === '$/cancelRequest' && !(typeof (m.params as { id?: unknown })?.id === 'string' || typeof (m.params as { id?: unknown })?.id === 'number')) {
      return '$/cancelRequest needs params.id';
    }
    return null;
  }
  if (!('result' in m) && !('error' in m)) return 'neither a request, a notification nor a response';
  if (!(m.id === null || idOk) || m.id === undefined) return 'a response needs an id';
  return null;
}

function idOf(message: unknown): string | number | null {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

/**
 * Reads LSP base-protocol messages from a stream like vscode-jsonrpc's StreamMessageReader, but survives a
 * broken client: a body that is not JSON gets a Parse error (-32700), a JSON value that is not a message an
 * Invalid Request (-32600), and a wrong Content-Length does not desynchronise the stream for good (the
 * stock reader then glues every later body to the next header and never answers again): too short, the
 * next header is found after the leftover bytes; too long, the header of the swallowed message is found
 * inside the body.
 */
class ResyncingMessageReader extends AbstractMessageReader implements MessageReader {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Body length announced by the current header; -1 while reading a header. */
  private bodyLength = -1;
  /** Bytes of the current body already searched for an embedded header. */
  private scanned = 0;
  private callback: DataCallback | null = null;

  constructor(private readonly input: NodeJS.ReadableStream, private readonly reply: Reply) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (data: Buffer | string) => this.onData(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    const onError = (error: Error) => this.fireError(error);
    const onClose = () => this.fireClose();
    this.input.on('data', onData);
    this.input.on('error', onError);
    this.input.on('close', onClose);
    return Disposable.create(() => {
      this.input.off('data', onData);
      this.input.off('error', onError);
      this.input.off('close', onClose);
      this.callback = null;
    });
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    try {
      this.drain();
    } catch (error) {
      this.fireError(error);
    }
  }

  /** Bytes [start, end) of what is buffered. */
  private slice(start: number, end: number): Buffer {
    const parts: Buffer[] = [];
    let offset = 0;
    for (const chunk of this.chunks) {
      const s = Math.max(start - offset, 0);
      const e = Math.min(end - offset, chunk.length);
      if (s < e) parts.push(chunk.subarray(s, e));
      offset += chunk.length;
      if (offset >= end) break;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  private consume(count: number): void {
    const rest = this.slice(count, this.size);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
  }

  private drain(): void {
    for (;;) {
      if (this.bodyLength < 0) {
        if (!this.size) return;
        const buffer = this.slice(0, this.size);
        const end = buffer.indexOf(HEADER_END);
        if (end < 0) {
          if (this.size > MAX_HEADER) {
            this.reply({ code: PARSE_ERROR, message: 'Parse error: no message header found' }, null);
            this.consume(this.size - 3); // keep what may be the start of a header end
          }
          return;
        }
        const header = buffer.toString('latin1', 0, end);
        this.consume(end + HEADER_END.length);
        const match = [...header.matchAll(LENGTH)].at(-1);
        if (!match) {
          this.reply({ code: PARSE_ERROR, message: 'Parse error: a message header must have a Content-Length' }, null);
          continue;
        }
        this.bodyLength = Number(match[1]);
        this.scanned = 0;
      }
      const available = Math.min(this.size, this.bodyLength);
      if (available > this.scanned) {
        // Overlap the previous scan by a header's length, in case one was split between two chunks.
        const from = Math.max(0, this.scanned - 64);
        const found = EMBEDDED_HEADER.exec(this.slice(from, available).toString('latin1'));
        if (found) {
          this.reply({ code: PARSE_ERROR, message: 'Parse error: the message is shorter than its Content-Length' }, null);
          this.consume(from + found.index);
          this.bodyLength = -1;
          continue;
        }
        this.scanned = available;
      }
      if (this.size < this.bodyLength) return;
      const body = this.slice(0, this.bodyLength);
      this.bodyLength = -1;
      let message: unknown;
      try {
        message = JSON.parse(body.toString('utf8'));
      } catch (error) {
        this.reply({ code: PARSE_ERROR, message: `Parse error: ${(error as Error).message}` }, null);
        // The start of a header at the end of a broken body (too long a Content-Length): read from there.
        const header = SPLIT_HEADER.exec(body.toString('latin1'));
        this.consume(header && header.index > 0 ? header.index : body.length);
        continue;
      }
      this.consume(body.length);
      this.deliver(message);
    }
  }

  private deliver(message: unknown): void {
    const invalid = invalidReason(message);
    if (invalid) {
      // An invalid notification (no id) is dropped silently: nothing may answer a notification.
      const m = message as { id?: unknown; method?: unknown } | null;
      const notification = typeof m === 'object' && m !== null && typeof m.method === 'string' && m.id === undefined;
      if (!notification) this.reply({ code: INVALID_REQUEST, message: `Invalid Request: ${invalid}` }, idOf(message));
      return;
    }
    try {
      this.callback?.(message as Message);
    } catch (error) {
      this.fireError(error); // and go on with the next message
    }
  }
}

/** `reader`, with `observe` told of every message as soon as it is read (before the connection queues it). */
function observed(reader: MessageReader, observe: (message: Message) => void): MessageReader {
  return {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    listen: (callback: DataCallback) => reader.listen((message) => {
      try {
        observe(message);
      } catch {
        // an observer bug must not lose the message
      }
      callback(message);
    }),
    dispose: () => reader.dispose(),
  };
}

let noticeArrival: (message: Message) => void = () => undefined;
const notice = (message: Message) => noticeArrival(message);

let connection: Connection;
if (process.argv.includes('--stdio')) {
  const writer = new StreamMessageWriter(process.stdout);
  const reply: Reply = (error, id) => {
    void writer.write({ jsonrpc: '2.0', id, error } as Message).catch(() => undefined);
    connection?.console.error(`Bad message from the client: ${error.message}`);
  };
  connection = createConnection(ProposedFeatures.all, observed(new ResyncingMessageReader(process.stdin, reply), notice), writer);
  // What the library does for `--stdio` when it owns the streams: stdout carries the protocol, so console
  // output goes to the client's log, and the server ends with its input.
  for (const [name, log] of [['log', 'log'], ['info', 'info'], ['debug', 'log'], ['warn', 'warn'], ['error', 'error']] as const) {
    console[name] = (...args: unknown[]) => connection.console[log](format(...args));
  }
  let shutdown = false;
  connection.onShutdown(() => { shutdown = true; });
  const end = () => process.exit(shutdown ? 0 : 1);
  process.stdin.on('end', end);
  process.stdin.on('close', end);
} else if (process.argv.includes('--node-ipc')) {
  // What the library builds for --node-ipc (VS Code's transport), observed.
  connection = createConnection(ProposedFeatures.all, observed(new IPCMessageReader(process), notice), new IPCMessageWriter(process));
} else {
  connection = createConnection(ProposedFeatures.all);
}

// The server must outlive any bug in a rule or a handler: log it, keep serving.
process.on('uncaughtException', (error) => connection.console.error(`Unexpected error: ${String(error?.stack ?? error)}`));
process.on('unhandledRejection', (error) => connection.console.error(`Unexpected rejection: ${String((error as Error)?.stack ?? error)}`));
const engineReady = loadEngine();
engineReady.catch((error) => connection.console.error(`Could not load the shell parser: ${String(error)}`));
noticeArrival = startServer(connection, engineReady, { collectGarbage: fullGc() }).noticeArrival;

/**
 * A full collection that gives memory back after documents close. A plain gc() frees the objects, but V8 keeps
 * the young generation at the size it grew to under load (two 16 MB semi-spaces, ~26 MB of RSS after a burst of
 * documents) and only shrinks it in a memory-reducing collection. Node reaches one through v8.queryObjects (Node
 * 20.13 and later): it runs V8's CollectAllAvailableGarbage, the collection for low memory, before counting (here:
 * the instances of a class that has none). With the two gc() before it, 0.2-0.4 s of main thread, which is why
 * the release waits for a quiet moment. Without queryObjects, gc() alone, twice: the second collection compacts
 * what the first one freed. (gc() is there once the flag is set, at run time; it is read from a new context.)
 */
function fullGc(): (() => void) | undefined {
  let gc: (() => void) | undefined;
  try {
    v8.setFlagsFromString('--expose-gc');
    const found: unknown = runInNewContext('gc');
    if (typeof found === 'function') gc = found as () => void;
  } catch { /* no gc() */ }
  const queryObjects = (v8 as { queryObjects?: (ctor: new () => object, options: { format: 'count' }) => number }).queryObjects;
  if (typeof queryObjects === 'function') {
    class NoInstances {}
    return () => {
      // The garbage just dropped goes first: on a heap still full of it, the memory-reducing collection leaves
      // ~10 MB more of malloc'd memory behind (the process's main malloc arena: 16 MB instead of 5.5 MB).
      gc?.();
      gc?.();
      // Its "experimental" warning would go to stderr at every release; nothing else warns meanwhile (synchronous).
      const emitWarning = process.emitWarning;
      process.emitWarning = () => undefined;
      try {
        queryObjects(NoInstances, { format: 'count' });
      } catch { /* memory stays as it is */ } finally {
        process.emitWarning = emitWarning;
      }
    };
  }
  if (!gc) return undefined;
  const collect = gc;
  return () => {
    collect();
    setImmediate(collect).unref();
  };
}
