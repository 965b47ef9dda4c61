// LSP wiring over the engine. Everything a code action needs travels in Diagnostic.data, so the
// server keeps no per-diagnostic state; results are only cached per document version.
//
// Configuration: each Dockerfile gets the config file found from its folder upward (server/config.ts), with
// the editor's `dockerfileSeguro.rules` layered on top. When the client can watch files for us, config files
// are watched and a change re-lints the open documents; otherwise every lint re-checks the files' mtimes.
// Problems in a config file are published on that file's URI whenever a Dockerfile using it is linted, and a
// config document the client opens with us (VS Code's selector only sends Dockerfiles) is checked as typed.
//
// Robustness against a fast or broken client: a didChange whose version is not newer than the document's is
// dropped (diagnostics never go back to an older version); in push mode the lints of a document are
// coalesced (the first change after a quiet period is linted at once, the ones that follow within
// LINT_INTERVAL_MS are linted together, as the latest version only); a pull request is cancelled, with
// RequestCancelled or ServerCancelled + retriggerRequest, when the client cancels it or the document
// changes while it runs; malformed params get InvalidParams errors.
import {
  CodeAction,
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type CodeActionParams,
  type DiagnosticServerCancellationData,
  type Connection,
  type Diagnostic,
  type DiagnosticSeverity,
  type Hover,
  type HoverParams,
  type InitializeParams,
  type InitializeResult,
  type Message,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { clearRunShellCache, DockerfileModel } from '../shared/dockerfile';
import { clearParseCache } from '../shared/shell/parser';
import { fixAll, lintModel } from '../shared/engine';
import { findingHover, keywordHover } from '../shared/hover';
import { ignoreForFileEdit, ignoreForLineEdit, ignoreForStageEdit } from '../shared/ignore';
import { minimalEdit, rangeContains } from '../shared/textDocument';
import type { Finding, Fix, LintOptions, Locale, SeveritySetting } from '../shared/types';
import { RULES_BY_ID } from '../shared/rules';
import { dockerignoreFor } from './contextFiles';
import { ConfigLoader, isConfigFileName, isIgnoredPath, lintOptionsFrom, type ConfigError } from './config';

export const SOURCE = 'dockerfile-seguro';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.dockerfileSeguro`;

export interface Settings {
  enable: boolean;
  /** Rule id → 'off' | 'error' | 'warning' | 'information' | 'hint' (VS Code's severity names). */
  rules: Record<string, string>;
}

const DEFAULT_SETTINGS: Settings = { enable: true, rules: {} };

/** What travels in Diagnostic.data. */
export interface DiagnosticData {
  ruleId: string;
  version: number;
  fixes: Fix[];
}

const LSP_SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = { error: 1, warning: 2, info: 3, hint: 4 };

/** Config files the client is asked to watch (when it supports dynamic registration of file watchers). */
export const CONFIG_WATCHERS = ['**/.dockerfile-seguro.{yaml,yml,json}', '**/.hadolint.{yaml,yml}'];
/** Build-context files that rules read (dockerignore, dockerignore-secrets): a change re-lints too. */
export const CONTEXT_WATCHERS = ['**/.dockerignore', '**/*.dockerignore'];
const UNUSED_IGNORE = 'unused-ignore';

interface Texts {
  disable: (id: string) => string;
  disableStage: (id: string) => string;
  disableFile: (id: string) => string;
  fixAllRule: (id: string) => string;
  fixAll: string;
}

const TEXTS: Record<Locale, Texts> = {
  en: {
    disable: (id) => `Disable ${id} for this line`,
    disableStage: (id) => `Disable ${id} for this stage`,
    disableFile: (id) => `Disable ${id} for this file`,
    fixAllRule: (id) => `Fix all ${id} problems`,
    fixAll: 'Fix all Dockerfile Seguro problems',
  },
  es: {
    disable: (id) => `Desactivar ${id} en esta línea`,
    disableStage: (id) => `Desactivar ${id} en esta etapa`,
    disableFile: (id) => `Desactivar ${id} en este fichero`,
    fixAllRule: (id) => `Arreglar todos los problemas de ${id}`,
    fixAll: 'Arreglar todos los problemas de Dockerfile Seguro',
  },
};

export function localeFrom(value: unknown): Locale {
  return typeof value === 'string' && value.toLowerCase().startsWith('es') ? 'es' : 'en';
}

function toRuleSettings(rules: Record<string, string>): Record<string, SeveritySetting> {
  const out: Record<string, SeveritySetting> = {};
  for (const [id, level] of Object.entries(rules ?? {})) {
    if (level === 'information' || level === 'info') out[id] = 'info';
    else if (level === 'off' || level === 'error' || level === 'warning' || level === 'hint') out[id] = level;
  }
  return out;
}

function filePathOf(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

/** A config file open in the editor (only clients whose selector includes it send it to us). */
function isConfigDocument(uri: string): boolean {
  const file = filePathOf(uri);
  return file !== null && isConfigFileName(file);
}

function configDiagnostic(error: ConfigError): Diagnostic {
  const line = Math.max(0, error.line - 1);
  return {
    range: error.range ?? { start: { line, character: 0 }, end: { line, character: 0 } },
    severity: 1,
    source: SOURCE,
    message: error.detail,
    ...(error.key ? { code: error.key } : {}),
  };
}

interface Analysis {
  version: number;
  key: string;
  model: DockerfileModel;
  findings: Finding[];
  /** Options the findings were computed with (config file + settings), for the fixes. */
  options: LintOptions & { locale: Locale };
  /** False when disabled in the settings or excluded by the config's ignorePaths. */
  active: boolean;
}

/** Push mode: after a lint, further changes of the document wait this long and are linted together. */
export const LINT_INTERVAL_MS = 50;

type Sync = Parameters<TextDocuments<TextDocument>['listen']>[0];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The text document a request is about; InvalidParams when the params do not name one. */
function requestUri(params: unknown): string {
  const uri = isObject(params) && isObject(params.textDocument) ? params.textDocument.uri : undefined;
  if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'params.textDocument.uri must be a string');
  return uri;
}

function isPosition(value: unknown): boolean {
  return isObject(value) && Number.isInteger(value.line) && Number.isInteger(value.character);
}

function isRange(value: unknown): boolean {
  return isObject(value) && isPosition(value.start) && isPosition(value.end);
}

/**
 * The connection as TextDocuments sees it: well-formed notifications only, and no didChange that does not
 * move the document forward (an older version arriving after a newer one would otherwise replace it, and
 * its diagnostics would follow the newer ones).
 */
function guardedSync(connection: Connection, documents: TextDocuments<TextDocument>, settle: (uri: string) => void): Sync {
  const warn = (message: string) => connection.console.warn(message);
  return {
    onDidOpenTextDocument: (handler) => connection.onDidOpenTextDocument((params) => {
      const td = params?.textDocument;
      if (!isObject(td) || typeof td.uri !== 'string' || typeof td.text !== 'string' || !Number.isInteger(td.version)) {
        return warn('Ignored a malformed textDocument/didOpen');
      }
      if (typeof td.languageId !== 'string') td.languageId = 'dockerfile';
      handler(params);
    }),
    onDidChangeTextDocument: (handler) => connection.onDidChangeTextDocument((params) => {
      const td = params?.textDocument;
      try {
        if (!isObject(td) || typeof td.uri !== 'string' || !Number.isInteger(td.version) || !Array.isArray(params.contentChanges)
          || !params.contentChanges.every((c) => isObject(c) && typeof c.text === 'string' && (!('range' in c) || c.range === undefined || isRange(c.range)))) {
          return warn('Ignored a malformed textDocument/didChange');
        }
        const current = documents.get(td.uri);
        if (current && td.version <= current.version) {
          return warn(`Ignored a change of ${td.uri} to version ${td.version}: version ${current.version} is already here`);
        }
        handler(params);
      } finally {
        if (isObject(td) && typeof td.uri === 'string') settle(td.uri);
      }
    }),
    onDidCloseTextDocument: (handler) => connection.onDidCloseTextDocument((params) => {
      const uri = params?.textDocument?.uri;
      if (typeof uri !== 'string') return warn('Ignored a malformed textDocument/didClose');
      try {
        handler(params);
      } finally {
        settle(uri);
      }
    }),
    onWillSaveTextDocument: (handler) => connection.onWillSaveTextDocument(handler),
    onWillSaveTextDocumentWaitUntil: (handler) => connection.onWillSaveTextDocumentWaitUntil(handler),
    onDidSaveTextDocument: (handler) => connection.onDidSaveTextDocument(handler),
  };
}

/** Lets messages that already arrived (a $/cancelRequest, a didChange) be handled before going on. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface ServerHooks {
  /**
   * To be called by the transport for every message as soon as it is read, before the connection queues
   * it: a pull request still running learns at once that its document changed or closed.
   */
  noticeArrival(message: Message): void;
}

/**
 * After documents close and none closes for this long, the shell caches are dropped and memory is collected,
 * once the server has also been quiet (no message arrived, no lint ended) for as long: the collection that
 * gives memory back takes a few hundred ms, which a lint must not wait for.
 */
export const RELEASE_AFTER_CLOSE_MS = 1000;
/** Logged (window/logMessage) once that is done, followed by the document count and the memory in use. */
export const RELEASED = 'Released the shell caches after documents closed';

export interface ServerOptions {
  /** A full, memory-reducing garbage collection (main.ts passes V8's when it can), run when memory is released. */
  collectGarbage?: () => void;
}

export function startServer(connection: Connection, engineReady: Promise<void>, serverOptions: ServerOptions = {}): ServerHooks {
  const documents = new TextDocuments(TextDocument);
  let locale: Locale = 'en';
  let pullDiagnostics = false;
  let configurationSupport = false;
  let dynamicConfiguration = false;
  let refreshSupport = false;
  let watchFiles = false;
  /** The client applies workspace edits that create files (a fix that writes a new .dockerignore). */
  let createFiles = false;
  let globalSettings: Settings = DEFAULT_SETTINGS;
  let configs = new ConfigLoader(false);
  const settingsCache = new Map<string, Promise<Settings>>();
  const results = new Map<string, Analysis>();
  /** What was last published for config files from disk (JSON of the diagnostics), by URI. */
  const configPublished = new Map<string, string>();
  /** Push mode: the version last published per open document, the time of its last lint, its pending lint. */
  const publishedVersion = new Map<string, number>();
  const lastLint = new Map<string, number>();
  /** Push mode: cancels the pending lint of a document, by URI. */
  const scheduled = new Map<string, () => void>();
  /** Changes (their version) and closes read from the transport but not handled yet, by URI. */
  const arrived = new Map<string, number | 'closed'>();
  /** When a message last arrived or a lint last ended (performance.now()); the release waits for a quiet moment. */
  let lastActivity = 0;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    const init = (params.initializationOptions ?? {}) as { locale?: string; settings?: Partial<Settings> };
    locale = localeFrom(init.locale ?? params.locale);
    pullDiagnostics = !!caps.textDocument?.diagnostic;
    configurationSupport = !!caps.workspace?.configuration;
    dynamicConfiguration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    refreshSupport = !!caps.workspace?.diagnostics?.refreshSupport;
    watchFiles = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const workspaceEdit = caps.workspace?.workspaceEdit;
    createFiles = !!workspaceEdit?.documentChanges && !!workspaceEdit.resourceOperations?.includes('create');
    // With watchers, the upward search for config files is cached until a watched file changes.
    configs = new ConfigLoader(watchFiles);
    if (init.settings) globalSettings = { ...DEFAULT_SETTINGS, ...init.settings };
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: caps.textDocument?.codeAction?.codeActionLiteralSupport
          ? { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, FIX_ALL_KIND] }
          : true,
        hoverProvider: true,
        ...(pullDiagnostics
          ? { diagnosticProvider: { identifier: SOURCE, interFileDependencies: false, workspaceDiagnostics: false } }
          : {}),
      },
      serverInfo: { name: 'dockerfile-seguro', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (dynamicConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'dockerfileSeguro' });
    }
    if (watchFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [...CONFIG_WATCHERS, ...CONTEXT_WATCHERS].map((globPattern) => ({ globPattern })),
      });
    }
  });

  /** Everything may have changed: lint the open documents again (or ask a pulling client to). */
  function relintAll(): void {
    results.clear();
    if (pullDiagnostics) {
      if (refreshSupport) void connection.languages.diagnostics.refresh();
    } else {
      for (const doc of documents.all()) void publish(doc);
    }
  }

  /**
   * Push mode: lints the document's latest version now if it was not linted within LINT_INTERVAL_MS,
   * otherwise once that interval is over (changes in between are linted together, as the latest version).
   */
  function schedule(uri: string): void {
    if (scheduled.has(uri)) return;
    const wait = Math.max(0, (lastLint.get(uri) ?? -Infinity) + LINT_INTERVAL_MS - Date.now());
    const lint = () => {
      scheduled.delete(uri);
      const doc = documents.get(uri);
      if (!doc) return;
      lastLint.set(uri, Date.now());
      publish(doc)
        .catch((error) => connection.console.error(`Linting ${uri} failed: ${String((error as Error)?.stack ?? error)}`))
        .finally(() => lastLint.set(uri, Date.now()));
    };
    // Not linted lately: right after the messages already read (a zero timeout would wait a whole millisecond).
    if (wait === 0) {
      const immediate = setImmediate(lint);
      scheduled.set(uri, () => clearImmediate(immediate));
    } else {
      const timer = setTimeout(lint, wait);
      scheduled.set(uri, () => clearTimeout(timer));
    }
  }

  connection.onDidChangeWatchedFiles(() => {
    configs.invalidate();
    // Forget what was published from disk: the next lints publish the current state (empty lists clear the old).
    for (const [uri, published] of configPublished) {
      if (published !== '[]' && !documents.get(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    }
    configPublished.clear();
    relintAll();
  });

  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    results.clear();
    if (!configurationSupport) {
      const incoming = (change.settings?.dockerfileSeguro ?? {}) as Partial<Settings>;
      globalSettings = { ...DEFAULT_SETTINGS, ...incoming };
    }
    relintAll();
  });

  function settingsFor(uri: string): Promise<Settings> {
    if (!configurationSupport) return Promise.resolve(globalSettings);
    let pending = settingsCache.get(uri);
    if (!pending) {
      pending = connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'dockerfileSeguro' })
        .then((value: Partial<Settings> | null) => ({ ...DEFAULT_SETTINGS, ...(value ?? {}) }), () => DEFAULT_SETTINGS);
      settingsCache.set(uri, pending);
    }
    return pending;
  }

  /** Publishes the problems of config files read from disk (skipping those open here, checked as typed). */
  function publishConfigErrors(files: string[], errors: ConfigError[]): void {
    const byFile = new Map<string, ConfigError[]>(files.map((f) => [f, []]));
    for (const error of errors) byFile.set(error.file, [...(byFile.get(error.file) ?? []), error]);
    for (const [file, list] of byFile) {
      const uri = pathToFileURL(file).href;
      if (documents.get(uri)) continue;
      const diagnostics = list.map(configDiagnostic);
      const json = JSON.stringify(diagnostics);
      if ((configPublished.get(uri) ?? '[]') === json) continue;
      configPublished.set(uri, json);
      void connection.sendDiagnostics({ uri, diagnostics });
      for (const error of list) connection.console.warn(error.message);
    }
  }

  async function analyse(doc: TextDocument): Promise<Analysis> {
    await engineReady;
    const settings = await settingsFor(doc.uri);
    const file = filePathOf(doc.uri);
    const resolved = file !== null ? configs.resolve(file) : null;
    const config = resolved?.config;
    const options = {
      ...(config ? lintOptionsFrom(config) : {}),
      locale: config?.locale ?? locale,
      rules: { ...config?.rules, ...toRuleSettings(settings.rules) },
    };
    const active = settings.enable && !(config && file !== null && isIgnoredPath(config, file));
    // The build context as the CLI sees it (documents that are not files have none: the rules on it stay silent).
    const context = file !== null ? { context: { dockerignore: dockerignoreFor(file) } } : {};
    // Deduplicated per config file: only changes are sent.
    if (resolved) publishConfigErrors(resolved.config.files ?? [], resolved.errors);
    const key = JSON.stringify([settings, options, active, context]);
    const cached = results.get(doc.uri);
    if (cached && cached.version === doc.version && cached.key === key) return cached;
    const model = new DockerfileModel(doc.getText());
    const findings = active
      ? lintModel(model, {
        ...options,
        ...context,
        onRuleError: (id, error) => connection.console.error(`rule ${id} failed: ${String((error as Error)?.stack ?? error)}`),
      })
      : [];
    const result: Analysis = { version: doc.version, key, model, findings, options: { ...options, ...context }, active };
    results.set(doc.uri, result);
    return result;
  }

  function toDiagnostic(finding: Finding, version: number): Diagnostic {
    const data: DiagnosticData = { ruleId: finding.ruleId, version, fixes: finding.fixes };
    return {
      range: finding.range,
      severity: LSP_SEVERITY[finding.severity],
      source: SOURCE,
      code: finding.ruleId,
      codeDescription: { href: finding.url },
      message: finding.message,
      data,
    };
  }

  async function diagnosticsFor(doc: TextDocument): Promise<Diagnostic[]> {
    try {
      if (isConfigDocument(doc.uri)) {
        await engineReady;
        return configs.check(filePathOf(doc.uri)!, doc.getText()).map(configDiagnostic);
      }
      const { findings } = await analyse(doc);
      return findings.map((f) => toDiagnostic(f, doc.version));
    } finally {
      lastActivity = performance.now();
    }
  }

  async function publish(doc: TextDocument): Promise<void> {
    const version = doc.version;
    const diagnostics = await diagnosticsFor(doc);
    // A newer version may have arrived while settings were fetched: never publish stale results.
    const current = documents.get(doc.uri);
    if (!current || current !== doc || current.version !== version) return;
    if ((publishedVersion.get(doc.uri) ?? -Infinity) > version) return;
    publishedVersion.set(doc.uri, version);
    void connection.sendDiagnostics({ uri: doc.uri, version, diagnostics });
  }

  documents.onDidOpen((event) => {
    // A config document now gets its diagnostics from its own text: drop those published from disk.
    const uri = event.document.uri;
    // (Re)opened: a new life for the document, whatever its version numbers.
    publishedVersion.delete(uri);
    results.delete(uri);
    if (isConfigDocument(uri) && (configPublished.get(uri) ?? '[]') !== '[]') {
      configPublished.delete(uri);
      if (pullDiagnostics) void connection.sendDiagnostics({ uri, diagnostics: [] });
    }
  });

  documents.onDidChangeContent((event) => {
    if (!pullDiagnostics) schedule(event.document.uri);
  });

  documents.onDidClose((event) => {
    const uri = event.document.uri;
    scheduled.get(uri)?.();
    scheduled.delete(uri);
    lastLint.delete(uri);
    publishedVersion.delete(uri);
    configPublished.delete(event.document.uri);
    results.delete(event.document.uri);
    settingsCache.delete(event.document.uri);
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    scheduleRelease();
  });

  // The shell caches are shared by all documents and keyed by RUN text, so the entries of closed documents
  // cannot be told apart: once closing settles and the server is quiet, all are dropped (open documents parse
  // their RUNs again on their next lint, one cold lint each) and a memory-reducing GC lets the process shrink back.
  let releaseTimer: NodeJS.Timeout | undefined;
  function scheduleRelease(wait = RELEASE_AFTER_CLOSE_MS): void {
    clearTimeout(releaseTimer);
    releaseTimer = setTimeout(() => {
      // Not while documents are being edited: the next change would wait for the collection.
      const quiet = performance.now() - lastActivity;
      if (quiet < RELEASE_AFTER_CLOSE_MS) return scheduleRelease(RELEASE_AFTER_CLOSE_MS - quiet);
      clearParseCache();
      clearRunShellCache();
      serverOptions.collectGarbage?.();
      const { rss, heapTotal, heapUsed } = process.memoryUsage();
      const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
      connection.console.log(`${RELEASED} (${documents.all().length} documents open; RSS ${mb(rss)} MB, V8 heap ${mb(heapUsed)} MB used of ${mb(heapTotal)} MB)`);
    }, wait);
    releaseTimer.unref();
  }

  connection.languages.diagnostics.on(async (params, token: CancellationToken) => {
    const uri = requestUri(params);
    const doc = documents.get(uri);
    if (!doc) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const version = doc.version;
    // Stale work is dropped before and after the lint: the client cancelled, or the text moved on (then the
    // client is told to ask again, for the new version).
    const checkStillWanted = () => {
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled');
      const current = documents.get(uri);
      const pending = arrived.get(uri);
      if (current !== doc || current.version !== version || pending === 'closed' || (pending !== undefined && pending > version)) {
        const data: DiagnosticServerCancellationData = { retriggerRequest: current !== undefined && pending !== 'closed' };
        throw new ResponseError(LSPErrorCodes.ServerCancelled, 'The document changed', data);
      }
    };
    await yieldToMessages();
    checkStillWanted();
    const items = await diagnosticsFor(doc);
    checkStillWanted();
    return { kind: DocumentDiagnosticReportKind.Full, items };
  });

  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    if (!isObject(params?.context) || !Array.isArray(params.context.diagnostics)) {
      throw new ResponseError(ErrorCodes.InvalidParams, 'params.context.diagnostics must be an array');
    }
    const doc = documents.get(requestUri(params));
    if (!doc || isConfigDocument(doc.uri)) return [];
    const { model, options: analysed, active } = await analyse(doc);
    if (!active) return []; // a disabled linter must not edit files either (fix-all on save)
    const options = { ...analysed };
    const texts = TEXTS[options.locale];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
    const uri = doc.uri;
    const actions: CodeAction[] = [];
    const editOf = (edits: TextEdit[]) => ({ changes: { [uri]: edits } });
    /**
     * A fix's workspace edit: the Dockerfile's edits plus those of other build-context files (paths relative
     * to the Dockerfile's folder). Null when the client cannot apply it (no file on disk, or a file to create
     * and no create support): the fix is then not offered rather than applied half.
     */
    const fixEdit = (fix: Fix): WorkspaceEdit | null => {
      if (!fix.files?.length) return editOf(fix.edits);
      const file = filePathOf(uri);
      if (file === null) return null;
      const target = (change: { path: string }) => pathToFileURL(path.join(path.dirname(file), ...change.path.split('/'))).href;
      if (!fix.files.some((change) => change.create)) {
        return { changes: Object.fromEntries([[uri, fix.edits], ...fix.files.map((change) => [target(change), change.edits])]) };
      }
      if (!createFiles) return null;
      return {
        documentChanges: [
          ...fix.files.flatMap((change) => [
            ...(change.create ? [{ kind: 'create' as const, uri: target(change), options: { ignoreIfExists: true } }] : []),
            { textDocument: { uri: target(change), version: null }, edits: change.edits },
          ]),
          { textDocument: { uri, version: doc.version }, edits: fix.edits },
        ],
      };
    };

    const ours = params.context.diagnostics.filter((d) => {
      const data = isObject(d) ? (d.data as Partial<DiagnosticData> | undefined) : undefined;
      return d.source === SOURCE && isRange(d.range) && isObject(data) && typeof data.ruleId === 'string' && Array.isArray(data.fixes);
    });
    const fixAllOffered = new Set<string>();
    for (const diagnostic of ours) {
      const data = diagnostic.data as DiagnosticData;
      // Edits were computed for one version of the text; on any other they could corrupt it.
      const fresh = data.version === doc.version;
      if (fresh) {
        data.fixes.forEach((fix, i) => {
          const kind = fix.kind === 'quickfix' ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite;
          if (!wants(kind)) return;
          const edit = fixEdit(fix);
          if (edit) actions.push({ title: fix.title, kind, diagnostics: [diagnostic], isPreferred: fix.kind === 'quickfix' && i === 0, edit });
        });
      }
      if (wants(CodeActionKind.QuickFix)) {
        const line = diagnostic.range.start.line;
        const disable = (title: string, edit: TextEdit | null) => {
          if (edit) actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: editOf([edit]) });
        };
        // unused-ignore findings sit on comment lines, which a next-instruction ignore cannot cover.
        if (data.ruleId !== UNUSED_IGNORE) disable(texts.disable(data.ruleId), ignoreForLineEdit(model, line, data.ruleId));
        // Stage and file placement depend on where the finding is now: only for current diagnostics.
        if (fresh) {
          disable(texts.disableStage(data.ruleId), ignoreForStageEdit(model, line, data.ruleId));
          disable(texts.disableFile(data.ruleId), ignoreForFileEdit(model, data.ruleId));
        }
        if (fresh && !fixAllOffered.has(data.ruleId) && data.fixes.some((f) => f.kind === 'quickfix') && RULES_BY_ID.has(data.ruleId)) {
          fixAllOffered.add(data.ruleId);
          const edit = minimalEdit(doc.getText(), fixAll(doc.getText(), options, (id) => id === data.ruleId).text);
          if (edit) actions.push({ title: texts.fixAllRule(data.ruleId), kind: CodeActionKind.QuickFix, edit: editOf([edit]) });
        }
      }
    }

    if (only && only.some((o) => FIX_ALL_KIND === o || FIX_ALL_KIND.startsWith(`${o}.`))) {
      const edit = minimalEdit(doc.getText(), fixAll(doc.getText(), options).text);
      actions.push({ title: texts.fixAll, kind: FIX_ALL_KIND, edit: editOf(edit ? [edit] : []) });
    }
    return actions;
  });

  connection.onHover(async (params: HoverParams): Promise<Hover | null> => {
    const doc = documents.get(requestUri(params));
    if (doc && !isPosition(params.position)) throw new ResponseError(ErrorCodes.InvalidParams, 'params.position must be a position');
    if (!doc || isConfigDocument(doc.uri)) return null;
    const { model, findings, options } = await analyse(doc);
    const here = findings.filter((f) => rangeContains(f.range, params.position));
    if (here.length) {
      return { contents: { kind: 'markdown', value: here.map((f) => findingHover(f, options.locale)).join('\n\n---\n\n') } };
    }
    const instruction = model.instructions.find((i) => rangeContains(i.getInstructionRange(), params.position));
    const advice = instruction ? keywordHover(instruction.getKeyword(), options.locale) : null;
    return advice ? { contents: { kind: 'markdown', value: advice }, range: instruction!.getInstructionRange() } : null;
  });

  // Once a change or close was handled, what arrived for the document is no longer pending (the entries of
  // documents that were never open, or of dropped changes, go too).
  documents.listen(guardedSync(connection, documents, (uri) => {
    const pending = arrived.get(uri);
    if (pending === undefined) return;
    const doc = documents.get(uri);
    if (!doc || (pending !== 'closed' && pending <= doc.version)) arrived.delete(uri);
  }));
  connection.listen();

  return {
    noticeArrival(message: Message): void {
      lastActivity = performance.now();
      const m = message as { method?: unknown; params?: { textDocument?: { uri?: unknown; version?: unknown } } };
      const uri = m.params?.textDocument?.uri;
      if (typeof uri !== 'string') return;
      if (m.method === 'textDocument/didChange') {
        const version = m.params?.textDocument?.version;
        const pending = arrived.get(uri);
        if (typeof version === 'number' && (pending === undefined || (pending !== 'closed' && version > pending))) arrived.set(uri, version);
      } else if (m.method === 'textDocument/didClose') {
        arrived.set(uri, 'closed');
      } else if (m.method === 'textDocument/didOpen') {
        arrived.delete(uri);
      }
    },
  };
}
